/**
 * The start command as a user runs it: `oms serve --demo` in its own process, on a fresh data
 * folder. It seeds the demo data, answers /health, shuts down cleanly on SIGTERM, and a second
 * start reuses the data without seeding again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';

const dir = mkdtempSync(join(tmpdir(), 'oms-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(): Promise<{ p: ChildProcess; url: string; logs: string[] }> {
  const p = spawn(process.execPath, ['bin/oms.js', 'serve', '--demo'], {
    env: { ...process.env, OMS_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', OMS_DEMO_ORDERS: '25', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no "OMS listening" within 240 s: ${logs.join('')}`)), 240_000);
    p.stdout!.on('data', (c) => {
      buf += c; logs.push(String(c));
      const m = /"address":"(http:\/\/[^"]+)"[^\n]*OMS listening|OMS listening[^\n]*"address":"(http:\/\/[^"]+)"/.exec(buf);
      if (m) { clearTimeout(timer); resolve({ p, url: m[1] ?? m[2], logs }); }
    });
    p.stderr!.on('data', (c) => logs.push(String(c)));
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${logs.join('')}`)); });
  });
}

/** Logs in as the demo admin (its fixed demo password); the session cookie to send. */
async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo-admin' }) });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0];
}

const stop = (p: ChildProcess) => new Promise<number | null>((resolve) => { p.removeAllListeners('exit'); p.on('exit', (code) => resolve(code)); p.kill('SIGTERM'); });

beforeAll(ensureBuilt, 120_000); // bin/oms.js runs the build in dist/

describe('oms serve --demo (the start command)', () => {
  it('seeds demo data on first run, serves, stops on SIGTERM, and restarts on the same data', async () => {
    const a = await start();
    const health: any = await (await fetch(`${a.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { engine: 'pglite', migrationsCurrent: true } });
    expect((await fetch(`${a.url}/orders`)).status).toBe(401);
    // The demo users are printed once, at the first seeding.
    expect(a.logs.join('')).toContain('"username":"boston","password":"demo-boston"');
    const cookie = await login(a.url);
    const get = async (path: string) => (await (await fetch(`${a.url}${path}`, { headers: { cookie } })).json()) as any;
    const orders = (await get('/orders?limit=500')).orders;
    expect(orders.length).toBe(25);
    const facilities = (await get('/facilities')).facilities;
    expect(facilities.filter((f: any) => f.type === 'STORE').length).toBeGreaterThanOrEqual(20);
    expect(facilities.filter((f: any) => f.fulfillmentSystem === 'NETSUITE' && f.type === 'WAREHOUSE').length).toBe(3);
    // A state-changing call of a session: JSON, from the server's own origin.
    const post = await fetch(`${a.url}/brokering/runs`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: a.url } });
    const run: any = await post.json();
    expect(run.status).toBe('COMPLETED');
    expect(await stop(a.p)).toBe(0);
    expect(a.logs.join('')).toContain('shutting down');

    const b = await start();
    expect(b.logs.join('')).toContain('"skipped":true');
    expect(b.logs.join('')).not.toContain('demo-boston');
    const again = await login(b.url);
    expect(((await (await fetch(`${b.url}/orders?limit=500`, { headers: { cookie: again } })).json()) as any).orders.length).toBe(25);
    expect(await stop(b.p)).toBe(0);
  }, 600_000);
});
