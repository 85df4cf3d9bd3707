import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../src/db/client';
import { jobRuns } from '../../src/db/schema';
import {
  createJobRegistry, enqueueJob, listRuns, setJobCron, setJobEnabled, startJobSystem,
  type JobDefinition, type JobLogger, type JobSystem, type JobSystemOptions,
} from '../../src/jobs';
import { createLogger } from '../../src/log';
import { createTestDatabase, ENGINES } from '../support/db';
import { gate, secondConnection, waitFor } from './helpers';

// pino's Logger is a JobLogger (checked by the compiler)
export const pinoLog: JobLogger = createLogger('silent');

/** Collects what the job system logs at error level (but handler failures), so each test can assert there was none. */
const errors: unknown[] = [];
const log: JobLogger = { debug() {}, info() {}, warn() {}, error(obj, msg) { if (msg !== 'job run failed') errors.push([msg, obj]); } };

const FAST: JobSystemOptions = {
  log,
  pollingIntervalSeconds: 0.5,
  scheduleSyncIntervalSeconds: 0,
  stopTimeoutMs: 5000,
  boss: { cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 },
};

describe.each(ENGINES)('pg-boss job system on %s', (engine) => {
  let d: Database;
  let sys: JobSystem | undefined;
  beforeEach(async () => { d = await createTestDatabase(engine); errors.length = 0; });
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
    // The test database is dropped only once every session has gone (test/support/db.ts), so
    // nothing terminates pg-boss's connections: whatever was logged until now, teardown included, counts.
    await d.close();
    expect(errors).toEqual([]);
  });

  const schedules = async () => (await d.query<{ name: string; cron: string; timezone: string }>('select name, cron, timezone from pgboss.schedule order by name')).rows;

  it('enqueueJob → a worker runs the handler and a job_runs row appears', async () => {
    const seen: unknown[] = [];
    const registry = createJobRegistry([
      { name: 'GEN_BRKR_ORD_FD_NS', description: 'Brokered items feed', params: z.object({ facility: z.string() }), handler: async (ctx) => { seen.push(ctx.params); ctx.addFile('brokered.csv'); } },
    ]);
    sys = await startJobSystem(d, registry, FAST);
    const q = await enqueueJob(sys.boss, 'GEN_BRKR_ORD_FD_NS', { params: { facility: 'WH_NJ' } });
    expect(q.kind).toBe('queued');
    const [run] = await waitFor(async () => {
      const runs = await listRuns(d.db, { name: 'GEN_BRKR_ORD_FD_NS' });
      return runs.length && runs[0].status !== 'RUNNING' ? runs : undefined;
    }, 'the queued run');
    expect(run).toMatchObject({ status: 'COMPLETED', trigger: 'api', files: ['brokered.csv'] });
    expect(seen).toEqual([{ facility: 'WH_NJ' }]);
    expect(await enqueueJob(sys.boss, 'NOPE')).toMatchObject({ kind: 'not_found' });
  });

  it('a second enqueue while one is waiting is already_queued (short policy)', async () => {
    const registry = createJobRegistry([{ name: 'GEN_INV_VAR_FEED_NS', description: 'x', handler: async () => {} }]);
    sys = await startJobSystem(d, registry, { ...FAST, work: false, schedule: false });
    expect((await enqueueJob(sys.boss, 'GEN_INV_VAR_FEED_NS')).kind).toBe('queued');
    expect((await enqueueJob(sys.boss, 'GEN_INV_VAR_FEED_NS')).kind).toBe('already_queued');
  });

  it('registers crons in pg-boss schedules, follows pause/cron changes, and a due cron fires', async () => {
    const registry = createJobRegistry([
      { name: 'BROKERING_RUN', description: 'Brokering', defaultCron: '* * * * *', handler: async (ctx) => { ctx.count('routed'); } },
      { name: 'IMP_ORDER_ITM_RJCT', description: 'Rejections', handler: async () => {} },
    ]);
    sys = await startJobSystem(d, registry, FAST);
    expect(await schedules()).toEqual([{ name: 'BROKERING_RUN', cron: '* * * * *', timezone: 'UTC' }]);

    // every-minute cron: pg-boss's timekeeper forwards the current slot right away
    const run = await waitFor(async () => (await listRuns(d.db, { name: 'BROKERING_RUN', status: 'COMPLETED' }))[0], 'the cron run');
    expect(run).toMatchObject({ trigger: 'cron', counts: { routed: 1 } });

    expect(await setJobCron(d.db, sys.boss, 'IMP_ORDER_ITM_RJCT', '30 6 * * 1-5')).toMatchObject({ kind: 'ok' });
    expect(await setJobEnabled(d.db, sys.boss, 'BROKERING_RUN', false)).toMatchObject({ kind: 'ok' });
    expect(await schedules()).toEqual([{ name: 'IMP_ORDER_ITM_RJCT', cron: '30 6 * * 1-5', timezone: 'UTC' }]);
    expect(await setJobCron(d.db, sys.boss, 'IMP_ORDER_ITM_RJCT', 'not a cron')).toMatchObject({ kind: 'invalid', errors: [{ field: 'cron' }] });

    // a change made without the boss (e.g. by the CLI) is applied at the next sync
    await setJobEnabled(d.db, undefined, 'BROKERING_RUN', true);
    await sys.syncSchedules();
    expect((await schedules()).map((s) => s.name)).toEqual(['BROKERING_RUN', 'IMP_ORDER_ITM_RJCT']);
  });

  it('three instances on one database: one cron occurrence gives exactly one run (scenario 17)', async () => {
    // A cron that fires in one minute of the day only: the current one, or the next if it is nearly over.
    let at = new Date();
    if (60 - at.getUTCSeconds() < 12) {
      await new Promise((r) => setTimeout(r, (61 - at.getUTCSeconds()) * 1000));
      at = new Date();
    }
    const cron = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    let calls = 0;
    const registry = createJobRegistry([
      { name: 'GEN_BRKR_ORD_FD_NS', description: 'x', defaultCron: cron, handler: async () => { calls++; await new Promise((r) => setTimeout(r, 300)); } },
    ]);
    const c2 = await secondConnection(d);
    const c3 = await secondConnection(d);
    const systems = [await startJobSystem(d, registry, FAST), await startJobSystem(c2.other, registry, FAST), await startJobSystem(c3.other, registry, FAST)];
    try {
      await waitFor(async () => (await listRuns(d.db, { name: 'GEN_BRKR_ORD_FD_NS', status: 'COMPLETED' }))[0], 'the cron run');
      await new Promise((r) => setTimeout(r, 3000)); // several more timekeeper and polling cycles on every instance
      expect((await listRuns(d.db, { name: 'GEN_BRKR_ORD_FD_NS' })).map((r) => [r.status, r.trigger])).toEqual([['COMPLETED', 'cron']]);
      expect(calls).toBe(1);
      const jobs = await d.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'GEN_BRKR_ORD_FD_NS'`);
      expect(jobs.rows[0].n).toBe(1);
    } finally {
      for (const s of systems) await s.stop();
      await c2.close();
      await c3.close();
    }
  });

  it('retries a failing handler with backoff, recording each attempt', async () => {
    let calls = 0;
    const failing: JobDefinition = {
      name: 'IMP_FLAKY', description: 'x', queue: { retryLimit: 1, retryDelaySeconds: 1 },
      handler: async () => { calls++; throw new Error(`attempt ${calls} failed`); },
    };
    sys = await startJobSystem(d, createJobRegistry([failing]), FAST);
    const q = await enqueueJob(sys.boss, 'IMP_FLAKY', { trigger: 'manual' });
    if (q.kind !== 'queued') throw new Error(q.kind);
    const job = await waitFor(async () => {
      const j = await sys!.boss.getJobById('IMP_FLAKY', q.jobId);
      return j?.state === 'failed' ? j : undefined;
    }, 'the pg-boss job to fail for good');
    expect(job.retryCount).toBe(1);
    const runs = await listRuns(d.db, { name: 'IMP_FLAKY' });
    expect(runs.map((r) => [r.status, r.trigger, r.error])).toEqual([
      ['FAILED', 'manual', 'attempt 2 failed'],
      ['FAILED', 'manual', 'attempt 1 failed'],
    ]);
  });

  it('a worker that hits a skip leaves a SKIPPED row; a preflighted enqueue is refused up front and never queued', async () => {
    let calls = 0;
    const registry = createJobRegistry([{ name: 'IMP_PAUSED', description: 'x', handler: async () => { calls++; } }]);
    sys = await startJobSystem(d, registry, FAST);
    await setJobEnabled(d.db, sys.boss, 'IMP_PAUSED', false);
    // up front: recorded SKIPPED, nothing queued
    const pre = await enqueueJob(sys.boss, 'IMP_PAUSED', { trigger: 'api', preflight: { db: d.db, registry } });
    expect(pre).toMatchObject({ kind: 'skipped', reason: 'disabled', run: { status: 'SKIPPED', trigger: 'api' } });
    const queued = await d.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'IMP_PAUSED'`);
    expect(queued.rows[0].n).toBe(0);
    // without the check, the worker skips it and says so in the history
    expect((await enqueueJob(sys.boss, 'IMP_PAUSED', { trigger: 'cron' })).kind).toBe('queued');
    const skipped = await waitFor(async () => (await listRuns(d.db, { name: 'IMP_PAUSED', status: 'SKIPPED' })).find((r) => r.trigger === 'cron'), 'the worker\'s SKIPPED row');
    expect(skipped).toMatchObject({ status: 'SKIPPED', error: 'job IMP_PAUSED is disabled' });
    expect(calls).toBe(0);
  });

  it('sweeps runs whose heartbeat stopped (any job) and runs the injected sweeps', async () => {
    const registry = createJobRegistry([{ name: 'GEN_ANY', description: 'x', handler: async () => {} }]);
    await d.db.insert(jobRuns).values({ id: 'RUN-GONE', name: 'IMP_UNREGISTERED', status: 'RUNNING', trigger: 'cron', owner: 'gone:1', heartbeatAt: sql`now() - interval '5 seconds'` });
    let extra = 0;
    sys = await startJobSystem(d, registry, { ...FAST, schedule: false, staleAfterMs: 1000, sweepIntervalMs: 100, sweeps: [async () => { extra++; }] });
    const gone = await waitFor(async () => (await listRuns(d.db, { name: 'IMP_UNREGISTERED', status: 'FAILED' }))[0], 'the sweep');
    expect(gone.error).toMatch(/^abandoned: no heartbeat from gone:1 since /);
    await waitFor(async () => extra >= 2, 'the injected sweep, repeatedly');
  });

  it('stop() aborts the handlers\' signal at once: a handler that checks it stops after its batch', async () => {
    const started = gate();
    let batches = 0;
    const registry = createJobRegistry([{
      name: 'GEN_BATCHES', description: 'x',
      handler: async (ctx) => {
        started.open();
        while (!ctx.signal?.aborted && batches < 1000) { batches++; await new Promise((r) => setTimeout(r, 20)); }
        return { counts: { batches } };
      },
    }]);
    sys = await startJobSystem(d, registry, FAST);
    await enqueueJob(sys.boss, 'GEN_BATCHES');
    await started.promise;
    await sys.stop();
    const [row] = await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'GEN_BATCHES'));
    expect(row.status).toBe('COMPLETED');
    expect(batches).toBeLessThan(1000);
  });

  it('stop() lets a running handler finish, then shuts down cleanly (twice is fine)', async () => {
    const started = gate();
    const registry = createJobRegistry([{
      name: 'GEN_SLOW', description: 'x',
      handler: async () => { started.open(); await new Promise((r) => setTimeout(r, 700)); return { counts: { done: 1 } }; },
    }]);
    sys = await startJobSystem(d, registry, FAST);
    await enqueueJob(sys.boss, 'GEN_SLOW');
    await started.promise;
    await sys.stop();
    await sys.stop();
    const [row] = await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'GEN_SLOW'));
    expect(row).toMatchObject({ status: 'COMPLETED', counts: { done: 1 } });
  });
});
