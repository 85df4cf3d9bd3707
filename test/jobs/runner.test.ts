import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { jobDefinitions, jobRuns } from '../../src/db/schema';
import { createJobRegistry, runJob, seedJobDefinitions, type JobDefinition } from '../../src/jobs';
import { createTestDatabase, ENGINES } from '../support/db';
import { gate, secondConnection } from './helpers';

describe.each(ENGINES)('runJob on %s', (engine) => {
  let d: Database & { url?: string };
  beforeEach(async () => { d = await createTestDatabase(engine); });
  afterEach(async () => { await d.close(); });

  const job = (name: string, handler: JobDefinition['handler']): JobDefinition => ({ name, description: `${name} test job`, handler });

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
    })]);
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
      expect(rows.map((r) => r.status)).toEqual(['COMPLETED']);
    } finally {
      release.open();
      await close();
    }
  });

  it('a stale RUNNING row is marked abandoned and a new run proceeds; a fresh one blocks', async () => {
    let calls = 0;
    const registry = createJobRegistry([job('GEN_STALE', async () => { calls++; })]);
    await d.db.insert(jobRuns).values({ id: 'RUN-DEAD', name: 'GEN_STALE', status: 'RUNNING', trigger: 'cron', startedAt: new Date(Date.now() - 2 * 3600_000) });

    const r = await runJob(d, registry, 'GEN_STALE', { trigger: 'cron' });
    expect(r.kind).toBe('completed');
    const [dead] = await d.db.select().from(jobRuns).where(eq(jobRuns.id, 'RUN-DEAD'));
    expect(dead.status).toBe('FAILED');
    expect(dead.error).toMatch(/^abandoned: still RUNNING after 30 min/);
    expect(dead.endedAt).toBeInstanceOf(Date);

    await d.db.insert(jobRuns).values({ id: 'RUN-ALIVE', name: 'GEN_STALE', status: 'RUNNING', trigger: 'cron', startedAt: new Date(Date.now() - 60_000) });
    expect(await runJob(d, registry, 'GEN_STALE', { trigger: 'cron' })).toMatchObject({ kind: 'skipped', reason: 'already_running' });
    // …unless the configured stale timeout is shorter than its age
    expect((await runJob(d, registry, 'GEN_STALE', { trigger: 'cron', staleAfterMs: 30_000 })).kind).toBe('completed');
    expect(calls).toBe(2);
  });

  it('a disabled job is skipped; an unknown job is not_found', async () => {
    let calls = 0;
    const registry = createJobRegistry([job('GEN_PAUSED', async () => { calls++; })]);
    await seedJobDefinitions(d.db, registry);
    await d.db.update(jobDefinitions).set({ enabled: false }).where(eq(jobDefinitions.name, 'GEN_PAUSED'));
    expect(await runJob(d, registry, 'GEN_PAUSED', { trigger: 'manual' })).toMatchObject({ kind: 'skipped', reason: 'disabled' });
    expect(await runJob(d, registry, 'NOPE', { trigger: 'manual' })).toMatchObject({ kind: 'not_found' });
    expect(calls).toBe(0);
    expect(await d.db.select().from(jobRuns)).toEqual([]);
  });
});
