/**
 * The embedded database has one owner: with `oms serve` running on a PGlite data folder, a second
 * `oms` process never opens the folder. A job pause goes through the server's HTTP API (at once,
 * and it survives a restart), a command the API does not offer is refused naming the owner, and a
 * lock left by a dead process is taken over.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBody } from '../support/fixtures';
import { ensureBuilt } from './built';

const dir = mkdtempSync(join(tmpdir(), 'oms-owner-'));
const lock = join(dir, 'pglite', 'oms-owner.lock');
const env = { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'info', OMS_DEMO_ORDERS: '5' };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<{ p: ChildProcess; url: string; logs: string[] }> {
  const p = spawn(process.execPath, ['bin/oms.js', 'serve', '--demo'], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no "OMS listening" within 120 s: ${logs.join('')}`)), 120_000);
    p.stdout!.on('data', (c) => {
      buf += c; logs.push(String(c));
      const m = /"address":"(http:\/\/[^"]+)"[^\n]*OMS listening|OMS listening[^\n]*"address":"(http:\/\/[^"]+)"/.exec(buf);
      if (m) { clearTimeout(timer); resolve({ p, url: m[1] ?? m[2], logs }); }
    });
    p.stderr!.on('data', (c) => logs.push(String(c)));
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${logs.join('')}`)); });
  });
}

const stop = (p: ChildProcess) => new Promise<number | null>((resolve) => { p.removeAllListeners('exit'); p.on('exit', (code) => resolve(code)); p.kill('SIGTERM'); });

const oms = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/oms.js', ...args], { env: { ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The local credential the server wrote into its lock: what the CLI sends, and so may this test (same user). */
const local = () => ({ authorization: `Bearer ${JSON.parse(readFileSync(lock, 'utf8')).credential}` });
const job = async (url: string, name: string) => (await (await fetch(`${url}/jobs/${name}`, { headers: local() })).json()) as { enabled: boolean };

beforeAll(ensureBuilt, 120_000); // bin/oms.js runs the build in dist/

describe('the embedded database has one owner', () => {
  it('CLI commands go through the running server or are refused; a pause survives a restart; a stale lock is taken over', async () => {
    const a = await start();
    const owner = JSON.parse(readFileSync(lock, 'utf8'));
    expect(owner).toMatchObject({ pid: a.p.pid, host: hostname(), url: a.url, command: 'oms serve', credential: expect.stringMatching(/^oms_local_[\w-]{43}$/) });
    // The lock holds a credential: its owner's only; without it the API answers 401.
    expect(statSync(lock).mode & 0o777).toBe(0o600);
    expect((await fetch(`${a.url}/jobs`)).status).toBe(401);
    expect((await fetch(`${a.url}/jobs`, { headers: { authorization: 'Bearer oms_local_not-it' } })).status).toBe(401);

    const pause = oms(['jobs', 'pause', 'GEN_BRKR_ORD_FD_NS']);
    expect(pause.code, pause.err).toBe(0);
    expect(pause.err).toContain(`the server at ${a.url} holds the embedded database`);
    expect(JSON.parse(pause.out)).toMatchObject({ name: 'GEN_BRKR_ORD_FD_NS', enabled: false });
    expect(await job(a.url, 'GEN_BRKR_ORD_FD_NS')).toMatchObject({ enabled: false });

    // `jobs run` goes through the server too: the paused job is skipped there, exit 3 as in-process.
    const run = oms(['jobs', 'run', 'GEN_BRKR_ORD_FD_NS']);
    expect(run.code, run.err).toBe(3);
    expect(run.err).toContain('oms: skipped (disabled)');
    expect(JSON.parse(run.out)).toMatchObject({ kind: 'skipped', reason: 'disabled', run: { status: 'SKIPPED', trigger: 'api' } });

    // No HTTP route for seeding: refused, naming the owner and how to reach it; the folder untouched.
    const seed = oms(['demo', 'seed', '--orders', '1']);
    expect(seed.code).toBe(2);
    expect(seed.out).toBe('');
    expect(seed.err).toContain(`is in use by pid ${a.p.pid} on ${hostname()} (oms serve), started at ${owner.startedAt}`);
    expect(seed.err).toContain(`it serves the HTTP API at ${a.url}: use that, or stop it first`);
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(a.p.pid);

    // The other commands the API offers: brokering runs in the server, an order and the job list are read from it.
    const broker = oms(['broker', 'run']);
    expect(broker.code, broker.err).toBe(0);
    expect(JSON.parse(broker.out)).toMatchObject({ status: 'COMPLETED' });
    const first = ((await (await fetch(`${a.url}/orders?limit=1`, { headers: local() })).json()) as { orders: { id: string }[] }).orders[0];
    const show = oms(['orders', 'show', first.id]);
    expect(show.code, show.err).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ id: first.id });
    const list = oms(['jobs', 'list']);
    expect(list.code, list.err).toBe(0);
    expect(JSON.parse(list.out)).toContainEqual(expect.objectContaining({ name: 'GEN_BRKR_ORD_FD_NS', enabled: false }));

    // Brokering's read commands and the Exception list too. No scheduled run brokers behind the test's back.
    expect(oms(['jobs', 'pause', 'BROKERING_RUN']).code).toBe(0);
    const api = async (method: string, path: string, body?: unknown): Promise<any> =>
      (await fetch(`${a.url}${path}`, { method, headers: { ...local(), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })).json();
    await api('PUT', '/products/OWNER_NO_STOCK', { name: 'Never stocked' });
    const parked = await api('POST', '/orders', orderBody({ externalId: 'OWNER-EXC', items: [{ productId: 'OWNER_NO_STOCK', quantity: 1, unitPrice: 10 }] }));
    await api('POST', `/orders/${parked.id}/approve`);
    const run2 = oms(['broker', 'run']);
    expect(run2.code, run2.err).toBe(0);
    const runId = JSON.parse(run2.out).id;
    const exceptions = oms(['exceptions', 'list']);
    expect(exceptions.code, exceptions.err).toBe(0);
    expect(exceptions.err).toContain('going through its HTTP API');
    expect(JSON.parse(exceptions.out)).toContainEqual(expect.objectContaining({ id: parked.id, reason: 'INSUFFICIENT_STOCK' }));
    const explain = oms(['explain', parked.id]);
    expect(explain.code, explain.err).toBe(0);
    expect(JSON.parse(explain.out)[0]).toMatchObject({ runId });
    const shown = oms(['broker', 'show', runId]);
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ kind: 'ok', run: { id: runId, status: 'COMPLETED' } });
    expect(JSON.parse(shown.out).decisions).toContainEqual(expect.objectContaining({ orderId: parked.id }));
    // An unknown id: exit 2 with the message the command gives without the server.
    for (const [args, message] of [
      [['broker', 'show', 'NO_SUCH_RUN'], 'oms: brokering run NO_SUCH_RUN not found'], [['explain', 'NO_SUCH_ORDER'], 'oms: order NO_SUCH_ORDER not found'],
      [['exceptions', 'retry', 'NO_SUCH_ORDER'], 'oms: order NO_SUCH_ORDER not found'],
    ] as const) {
      const r = oms([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(message);
    }
    const retried = oms(['exceptions', 'retry', parked.id]);
    expect(retried.code, retried.err).toBe(0);
    expect(JSON.parse(retried.out)).toEqual({ id: parked.id, status: 'APPROVED' });
    expect(oms(['exceptions', 'retry', parked.id])).toMatchObject({ code: 2, err: expect.stringMatching(/not in Exception/) });
    const after = oms(['exceptions', 'list']);
    expect(JSON.parse(after.out)).not.toContainEqual(expect.objectContaining({ id: parked.id }));

    expect(await stop(a.p)).toBe(0);
    expect(existsSync(lock)).toBe(false);

    // Without the server the same commands open the folder themselves and print the same JSON.
    for (const [args, through] of [[['broker', 'show', runId], shown.out], [['explain', parked.id], explain.out], [['exceptions', 'list'], after.out]]) {
      const direct = oms(args as string[]);
      expect(direct.code, direct.err).toBe(0);
      expect(direct.err).not.toContain('going through its HTTP API');
      expect(JSON.parse(direct.out), (args as string[]).join(' ')).toEqual(JSON.parse(through as string));
    }

    // A lock left by a process that is gone: a pid that has exited (and been reaped) on this host.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'oms serve' }));
    const b = await start();
    expect(b.logs.join('')).toContain(`taking over the embedded database ${join(dir, 'pglite')}: its lock names pid ${dead}`);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: b.p.pid, url: b.url });
    expect(JSON.parse(readFileSync(lock, 'utf8')).credential).not.toBe(owner.credential);
    expect(await job(b.url, 'GEN_BRKR_ORD_FD_NS')).toMatchObject({ enabled: false });
    expect(await stop(b.p)).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 600_000);
});
