/**
 * `oms users` and `oms tokens` as an operator runs them (real processes on a fresh embedded data
 * folder): a user created with its password piped in logs in over HTTP, a token printed once
 * authenticates until it is revoked, a disabled user can do nothing; bad input exits 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/client';
import { buildServer, type App } from '../../src/http/server';
import { createLogger } from '../../src/log';

const dir = mkdtempSync(join(tmpdir(), 'oms-users-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const oms = (args: string[], input?: string) => {
  // The sources through tsx (as `npm run oms` does), so the test needs no build.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 180_000, input: input ?? '',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The folder's database with an HTTP server on it (no listening socket), for as long as `fn` runs. */
async function withServer<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const database: Database = await openDatabase({ dataDir: join(dir, 'pglite') });
  const app = await buildServer({ database, config: loadConfig({ LOG_LEVEL: 'silent' }), log: createLogger('silent') });
  try { return await fn(app); } finally { await app.close(); await database.close(); }
}

describe('oms users and oms tokens', { timeout: 300_000 }, () => {
  it('creates users (password from piped stdin), lists, disables; tokens are printed once and can be revoked', async () => {
    const admin = oms(['users', 'create', 'root', '--role', 'admin'], 'a long admin password\n');
    expect(admin.code, admin.err).toBe(0);
    expect(JSON.parse(admin.out)).toMatchObject({ username: 'root', role: 'admin', facilities: [] });
    const store = oms(['users', 'create', 'kim', '--role', 'store', '--facility', 'STORE_X'], 'kims password\n');
    expect(store).toMatchObject({ code: 2, out: '' });
    expect(store.err).toContain('unknown facility STORE_X');
    expect(oms(['users', 'create', 'short', '--role', 'operations'], 'short\n').err).toContain('password: must be 8 to 1024 characters');
    expect(oms(['users', 'create', 'ROOT', '--role', 'operations'], 'another password\n').err).toContain('username ROOT is already taken');
    expect(oms(['users', 'create', 'feeds', '--role', 'integration', '--no-password']).code).toBe(0);

    const token = oms(['tokens', 'create', 'feeds', 'nightly export']);
    expect(token.code, token.err).toBe(0);
    expect(token.out).toMatch(/^oms_[\w-]{43}\n$/);
    expect(token.err).toContain('it is not shown again');
    const secret = token.out.trim();
    expect(JSON.parse(oms(['tokens', 'list']).out)).toEqual([expect.objectContaining({ id: 1, name: 'nightly export', revokedAt: null })]);
    expect(JSON.stringify(JSON.parse(oms(['users', 'list']).out))).not.toContain('scrypt');

    await withServer(async (app) => {
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'root', password: 'a long admin password' } });
      expect(login.json()).toMatchObject({ user: { username: 'root', role: 'admin' } });
      const me = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${secret}` } });
      expect(me.json()).toMatchObject({ user: { username: 'feeds', role: 'integration', via: 'token' } });
      expect((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'feeds', password: 'anything at all' } })).statusCode).toBe(401);
    });

    expect(oms(['tokens', 'revoke', '1'])).toMatchObject({ code: 0, out: 'token 1 revoked\n' });
    expect(oms(['tokens', 'revoke', '7']).err).toContain('token 7 not found');
    expect(oms(['users', 'disable', 'root'])).toMatchObject({ code: 0, out: 'user root disabled\n' });
    expect(oms(['users', 'disable', 'nobody']).code).toBe(2);
    expect(JSON.parse(oms(['users', 'list']).out).map((u: any) => [u.username, u.disabledAt !== null])).toEqual([['feeds', false], ['root', true]]);
    await withServer(async (app) => {
      expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'root', password: 'a long admin password' } })).statusCode).toBe(401);
    });
  });
});
