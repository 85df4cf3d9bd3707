import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../src/db/client';
import { jobDefinitions, jobRuns } from '../../src/db/schema';
import { createJobRegistry, runJob, seedJobDefinitions, type JobDefinition } from '../../src/jobs';
import { createTestDatabase, ENGINES } from '../support/db';
import { gate, secondConnection, waitFor } from './helpers';

describe.each(ENGINES)('runJob on %s', (engine) => {
  let d: Database & { url?: string };
  beforeEach(async () => { d = await createTestDatabase(engine); });
  afterEach(async () => { await d.close(); });

  const job = (name: string, handler: JobDefinition['handler'], params?: JobDefinition['params']): JobDefinition => ({ name, description: `${name} test job`, handler, params });
  /** `ms` ago by the database clock (no client/server clock skew). */
  const ago = (ms: number) => sql`now() - (${ms}::double precision * interval '1 millisecond')`;

  it('records start, end, COMPLETED, counts, files and row errors', async () => {
    const registry = createJobRegistry([job('GEN_TEST_FEED', async (ctx) => {
      expect(ctx.runId).toMatch(/^RUN-/);
      expect(ctx.params).toEqual({ facility: 'WH_NJ', dryRun: true });
      ctx.count('itemsExported', 3);
      ctx.count('itemsExported');
      ctx.count('skipped');
      ctx.addFile('out/feed-1.csv');
      ctx.addFile('out/feed-1.csv');
      ctx.addRowError({ file: 'in/rejects.csv', row: 7, field: 'quantity', message: 'not a number' });
      ctx.addRowError({ row: 9, message: 'unknown item' });
      return { counts: { total: 4 }, files: ['out/feed-2.csv'] };
    }, z.object({ facility: z.string().optional(), dryRun: z.boolean().optional() }))]);
    await seedJobDefinitions(d.db, registry);
    await d.db.update(jobDefinitions).set({ params: { facility: 'WH_NJ', dryRun: false } }).where(eq(jobDefinitions.name, 'GEN_TEST_FEED'));

    const r = await runJob(d, registry, 'GEN_TEST_FEED', { trigger: 'cli', params: { dryRun: true } });
    expect(r.kind).toBe('completed');
    if (r.kind !== 'completed') return;
    const [row] = await d.db.select().from(jobRuns).where(eq(jobRuns.id, r.run.id));
    expect(row).toMatchObject({
      name: 'GEN_TEST_FEED', status: 'COMPLETED', trigger: 'cli', error: null,
      counts: { itemsExported: 4, skipped: 1, total: 4 },
      files: ['out/feed-1.csv', 'out/feed-2.csv'],
      rowErrors: [{ file: 'in/rejects.csv', row: 7, field: 'quantity', message: 'not a number' }, { row: 9, message: 'unknown item' }],
    });
    expect(row.startedAt).toBeInstanceOf(Date);
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
    expect(r.run).toEqual(row);
  });

  it('a throwing handler records FAILED with the message and what it recorded so far', async () => {
    const registry = createJobRegistry([job('IMP_TEST', async (ctx) => {
      ctx.count('read', 2);
      throw new Error('SFTP connection refused');
    })]);
    const r = await runJob(d, registry, 'IMP_TEST', { trigger: 'manual' });
    expect(r).toMatchObject({ kind: 'failed', error: 'SFTP connection refused' });
    const [row] = await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'IMP_TEST'));
    expect(row).toMatchObject({ status: 'FAILED', error: 'SFTP connection refused', counts: { read: 2 }, trigger: 'manual' });
    expect(row.endedAt).toBeInstanceOf(Date);
    // the lock is released: the next run proceeds
    expect((await runJob(d, registry, 'IMP_TEST', { trigger: 'manual' })).kind).toBe('failed');
  });

  it('keeps at most maxRowErrors row errors and counts the rest', async () => {
    const registry = createJobRegistry([job('IMP_MANY', async (ctx) => {
      for (let i = 1; i <= 5; i++) ctx.addRowError({ row: i, message: 'bad' });
    })]);
    const r = await runJob(d, registry, 'IMP_MANY', { trigger: 'manual', maxRowErrors: 2 });
    if (r.kind !== 'completed') throw new Error(r.kind);
    expect(r.run.rowErrors.map((e) => e.row)).toEqual([1, 2]);
    expect(r.run.counts).toEqual({ rowErrorsNotStored: 3 });
  });

  it('two concurrent runs of one job (separate connections on PostgreSQL): exactly one runs', async () => {
    const release = gate();
    let calls = 0;
    const registry = createJobRegistry([job('BROKERING_TEST', async () => { calls++; await release.promise; return { counts: { routed: 1 } }; })]);
    const { other, close } = await secondConnection(d);
    try {
      const p1 = runJob(d, registry, 'BROKERING_TEST', { trigger: 'cron' });
      const p2 = runJob(other, registry, 'BROKERING_TEST', { trigger: 'api' });
      // The loser returns while the winner is still inside its handler.
      const first = await Promise.race([p1, p2]);
      expect(first).toMatchObject({ kind: 'skipped', reason: 'already_running' });
      release.open();
      const results = await Promise.all([p1, p2]);
      expect(results.map((r) => r.kind).sort()).toEqual(['completed', 'skipped']);
      expect(calls).toBe(1);
      const rows = await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'BROKERING_TEST'));
      expect(rows.map((r) => r.status).sort()).toEqual(['COMPLETED', 'SKIPPED']);
      const skipped = rows.find((r) => r.status === 'SKIPPED')!;
      expect(skipped.error).toMatch(/^job BROKERING_TEST is already running \(run RUN-\S+ of .+:\d+, last heartbeat /);
      expect(skipped.endedAt).toBeInstanceOf(Date);
    } finally {
      release.open();
      await close();
    }
  });

  it('a RUNNING row whose heartbeat stopped is marked FAILED naming its owner; the next run starts at once', async () => {
    let calls = 0;
    const registry = createJobRegistry([job('GEN_STALE', async () => { calls++; })]);
    await d.db.insert(jobRuns).values({ id: 'RUN-DEAD', name: 'GEN_STALE', status: 'RUNNING', trigger: 'cron', owner: 'deadhost:4242', startedAt: ago(600_000), heartbeatAt: ago(60_000) });

    const r = await runJob(d, registry, 'GEN_STALE', { trigger: 'cron' });
    expect(r.kind).toBe('completed');
    const [dead] = await d.db.select().from(jobRuns).where(eq(jobRuns.id, 'RUN-DEAD'));
    expect(dead.status).toBe('FAILED');
    expect(dead.error).toMatch(/^abandoned: no heartbeat from deadhost:4242 since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(stale after 45 s\)/);
    expect(dead.endedAt).toBeInstanceOf(Date);

    // a row that never beat is judged by its start
    await d.db.insert(jobRuns).values({ id: 'RUN-NOBEAT', name: 'GEN_STALE', status: 'RUNNING', trigger: 'cron', startedAt: ago(120_000) });
    expect((await runJob(d, registry, 'GEN_STALE', { trigger: 'cron' })).kind).toBe('completed');
    const [nobeat] = await d.db.select().from(jobRuns).where(eq(jobRuns.id, 'RUN-NOBEAT'));
    expect(nobeat.error).toMatch(/^abandoned: no heartbeat from an unknown process since .+it never beat/);

    // an old run whose heartbeat is recent is alive, whatever its age
    await d.db.insert(jobRuns).values({ id: 'RUN-ALIVE', name: 'GEN_STALE', status: 'RUNNING', trigger: 'cron', owner: 'otherhost:7', startedAt: ago(3600_000), heartbeatAt: ago(10_000) });
    const blocked = await runJob(d, registry, 'GEN_STALE', { trigger: 'api' });
    expect(blocked).toMatchObject({ kind: 'skipped', reason: 'already_running', run: { status: 'SKIPPED', trigger: 'api' } });
    expect(blocked.kind === 'skipped' && blocked.message).toContain('run RUN-ALIVE of otherhost:7');
    // …unless the configured staleness limit is shorter than its silence
    expect((await runJob(d, registry, 'GEN_STALE', { trigger: 'cron', staleAfterMs: 5_000 })).kind).toBe('completed');
    expect(calls).toBe(3);
  });

  it('writes its owner and heartbeat while it runs; a live run is not swept however old', async () => {
    const release = gate();
    const registry = createJobRegistry([job('GEN_BEATING', async () => { await release.promise; })]);
    const { other, close } = await secondConnection(d);
    try {
      const p = runJob(d, registry, 'GEN_BEATING', { trigger: 'cron', heartbeatIntervalMs: 40, staleAfterMs: 400 });
      // older than the staleness limit, by the database clock, with its heartbeat moving
      const row = await waitFor(async () => (await d.db.select().from(jobRuns).where(and(
        eq(jobRuns.name, 'GEN_BEATING'), eq(jobRuns.status, 'RUNNING'), sql`started_at < now() - interval '800 milliseconds'`, sql`heartbeat_at > started_at`,
      )))[0], 'an old, beating run');
      expect(row.owner).toBe(`${hostname()}:${process.pid}`);
      expect(await runJob(other, registry, 'GEN_BEATING', { trigger: 'api', staleAfterMs: 400 })).toMatchObject({ kind: 'skipped', reason: 'already_running' });
      release.open();
      expect((await p).kind).toBe('completed');
    } finally {
      release.open();
      await close();
    }
  });

  it('a run swept as abandoned by another process is told through its signal and ends FAILED with that reason', async () => {
    const registry = createJobRegistry([job('IMP_SWEPT', async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal!.addEventListener('abort', () => resolve(), { once: true }));
      ctx.count('stopped');
    })]);
    const p = runJob(d, registry, 'IMP_SWEPT', { trigger: 'cron', heartbeatIntervalMs: 30 });
    await waitFor(async () => (await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'IMP_SWEPT')))[0], 'the RUNNING row');
    await d.db.update(jobRuns).set({ status: 'FAILED', error: 'abandoned: swept by another process', endedAt: sql`now()` }).where(eq(jobRuns.name, 'IMP_SWEPT'));
    const r = await p;
    expect(r).toMatchObject({ kind: 'failed', error: 'abandoned: swept by another process', run: { status: 'FAILED', counts: { stopped: 1 } } });
  });

  it('refuses unknown params and bad values naming the param, without a row', async () => {
    let calls = 0;
    const registry = createJobRegistry([
      job('GEN_PARAMS', async () => { calls++; }, z.object({ maxFiles: z.number().int().min(1).optional() })),
      job('GEN_NONE', async () => { calls++; }),
    ]);
    expect(await runJob(d, registry, 'GEN_PARAMS', { trigger: 'cli', params: { maxFiles: 0 } })).toMatchObject({ kind: 'invalid', errors: [{ field: 'params.maxFiles' }] });
    const unknown = await runJob(d, registry, 'GEN_PARAMS', { trigger: 'cli', params: { maxFile: 2 } });
    expect(unknown).toMatchObject({ kind: 'invalid', message: 'params.maxFile: unknown param of job GEN_PARAMS (accepted: maxFiles)' });
    expect(await runJob(d, registry, 'GEN_NONE', { trigger: 'cli', params: { x: 1 } })).toMatchObject({ kind: 'invalid', message: expect.stringContaining('accepts no params') });
    expect(calls).toBe(0);
    expect(await d.db.select().from(jobRuns)).toEqual([]);
    expect((await runJob(d, registry, 'GEN_PARAMS', { trigger: 'cli', params: { maxFiles: 3 } })).kind).toBe('completed');
  });

  it('a run asked for while shutting down (aborted signal) is skipped as draining, with a row', async () => {
    const registry = createJobRegistry([job('GEN_LATE', async () => { throw new Error('must not run'); })]);
    const r = await runJob(d, registry, 'GEN_LATE', { trigger: 'cron', signal: AbortSignal.abort() });
    expect(r).toMatchObject({ kind: 'skipped', reason: 'draining', run: { status: 'SKIPPED', error: 'job GEN_LATE not started: the process is shutting down' } });
  });

  it('a disabled job is skipped with a SKIPPED row; an unknown job is not_found', async () => {
    let calls = 0;
    const registry = createJobRegistry([job('GEN_PAUSED', async () => { calls++; })]);
    await seedJobDefinitions(d.db, registry);
    await d.db.update(jobDefinitions).set({ enabled: false }).where(eq(jobDefinitions.name, 'GEN_PAUSED'));
    expect(await runJob(d, registry, 'GEN_PAUSED', { trigger: 'manual' })).toMatchObject({ kind: 'skipped', reason: 'disabled' });
    expect(await runJob(d, registry, 'NOPE', { trigger: 'manual' })).toMatchObject({ kind: 'not_found' });
    expect(calls).toBe(0);
    const rows = await d.db.select().from(jobRuns);
    expect(rows).toMatchObject([{ name: 'GEN_PAUSED', status: 'SKIPPED', trigger: 'manual', error: 'job GEN_PAUSED is disabled' }]);
    expect(rows[0].endedAt).toBeInstanceOf(Date);
  });
});
