/**
 * Several processes on one PostgreSQL, as docs/deployment.md lays them out: an API process with
 * `OMS_JOBS=false` runs no job (no pg-boss worker, no cron) and queues the runs it is asked for;
 * `oms worker` (no HTTP) runs them, and stops on SIGTERM like the server's drain.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { rowsOf } from '../../src/db/rows';
import { createTestDatabase, ENGINES } from '../support/db';
import { fetchAs, testAdmin, type TestUser } from '../support/auth';
import { waitFor } from '../jobs/helpers';
import { ensureBuilt } from './built';

interface Proc { p: ChildProcess; logs: string[]; exited: Promise<number | null> }

/** Starts `oms <args>` on the test database and resolves once a log line matches `ready` (its match). */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc & { match: RegExpExecArray }> {
  const p = spawn(process.execPath, ['bin/oms.js', ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    p.stdout!.on('data', (c) => {
      buf += c; logs.push(String(c));
      const m = ready.exec(buf);
      if (m) resolve({ p, logs, exited, match: m });
    });
    p.stderr!.on('data', (c) => logs.push(String(c)));
    void exited.then((code) => reject(new Error(`oms ${args.join(' ')} exited ${code}: ${logs.join('').slice(-3000)}`)));
  });
}

async function stop(x: Proc): Promise<number | null> {
  x.p.kill('SIGTERM');
  return x.exited;
}

interface RunRow { id: string; status: string; trigger: string; owner: string | null; actor: string | null }

describe.skipIf(!ENGINES.includes('postgres'))('an API process and a worker process on one PostgreSQL', { timeout: 300_000 }, () => {
  let d: Database & { url?: string };
  let admin: TestUser;
  const running: Proc[] = [];
  const runs = async () => rowsOf<RunRow>(await d.db.execute(sql`select id, status, trigger, owner, actor from job_runs where name = 'BROKERING_RUN' order by started_at`));
  const jobState = async (id: string) => rowsOf<{ state: string }>(await d.db.execute(sql`select state from pgboss.job where id = ${id}::uuid`))[0]?.state;

  beforeAll(async () => {
    await ensureBuilt();
    d = await createTestDatabase('postgres');
    // On demand only: no cron of the brokering run fires during the test.
    await d.db.execute(sql`insert into job_definitions (name, description, cron) values ('BROKERING_RUN', 'e2e', null)`);
    admin = await testAdmin(d.db);
  });
  afterAll(async () => {
    for (const x of running) if (x.p.exitCode === null) { x.p.kill('SIGKILL'); await x.exited; }
    await d?.close();
  });

  it('the API process queues a run and never runs it; the worker runs it; both stop on SIGTERM with status 0', async () => {
    const env = { DATABASE_URL: d.url!, PORT: '0' };
    const api = await start(['serve'], { ...env, OMS_JOBS: 'false' }, /\{[^\n]*"address":"(http:\/\/[^"]+)"[^\n]*"OMS listening"[^\n]*\}/);
    running.push(api);
    const listening = JSON.parse(api.match[0]);
    expect(listening).toMatchObject({ jobs: false, jobRunsQueued: true, engine: 'postgres' });
    const call = (path: string, init?: RequestInit) => fetchAs(admin)(`${api.match[1]}${path}`, init);

    // Asked to run (the plain, waiting form): queued for a worker, nothing runs in the API process.
    const first = await call('/jobs/BROKERING_RUN/run', { method: 'POST' });
    expect(first.status).toBe(202);
    const queued = await first.json() as { status: string; jobId: string };
    expect(queued).toMatchObject({ status: 'queued' });
    expect(await runs()).toEqual([]);
    expect(await jobState(queued.jobId)).toBe('created');

    // The worker (no HTTP) takes it: the run's owner is the worker's process, its actor the user who asked (carried in the queued job).
    const worker = await start(['worker'], env, /"OMS worker started"/);
    running.push(worker);
    const done = await waitFor(async () => (await runs()).find((r) => r.status === 'COMPLETED'), 'the queued run completed by the worker', 120_000);
    expect(done).toMatchObject({ trigger: 'api', actor: admin.username });
    expect(done.owner).toMatch(new RegExp(`:${worker.p.pid}$`));
    expect(done.owner).not.toMatch(new RegExp(`:${api.p.pid}$`));
    await waitFor(async () => (await jobState(queued.jobId)) === 'completed', 'the pg-boss job completed');
    expect(await stop(worker)).toBe(0);
    expect(worker.logs.join('')).toContain('"job system stopped"');

    // With no worker left, a second run stays queued for the API process's whole life.
    const second = (await (await call('/jobs/BROKERING_RUN/run?async=true', { method: 'POST' })).json()) as { jobId: string };
    expect(second.jobId).toBeTruthy();
    expect(await stop(api)).toBe(0);
    expect(await jobState(second.jobId)).toBe('created');
    expect((await runs()).length).toBe(1);
    expect(api.logs.join('')).not.toContain('"job schedule updated"');
  });

  it('`oms worker` with OMS_JOBS=false is refused with exit 2, naming the contradiction', async () => {
    const p = spawn(process.execPath, ['bin/oms.js', 'worker'], { env: { ...process.env, DATABASE_URL: d.url!, OMS_JOBS: 'false', LOG_LEVEL: 'silent' } });
    let err = '';
    p.stderr.on('data', (c) => { err += c; });
    const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('OMS_JOBS=false');
  });
});

describe('a server with OMS_JOBS=false on the embedded database', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-nojobs-'));
  const env = { OMS_DATA_DIR: dir, DATABASE_URL: '', OMS_JOBS: 'false' };
  let server: Proc | undefined;
  beforeAll(ensureBuilt);
  afterAll(async () => {
    if (server && server.p.exitCode === null) { server.p.kill('SIGKILL'); await server.exited; }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a job run with 409 naming why: no other process can run it (`oms jobs run` through it exits 2)', async () => {
    server = await start(['serve'], { ...env, PORT: '0' }, /"OMS listening"/);
    const r = spawnSync(process.execPath, ['bin/oms.js', 'jobs', 'run', 'BROKERING_RUN'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('the server refused it (409): this process runs no jobs (OMS_JOBS=false)');
    expect(r.stdout).toBe('');
    expect(await stop(server)).toBe(0);
  });
});
