import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../../src/db/client';
import { jobRuns } from '../../src/db/schema';
import {
  checkCron, createJobRegistry, getJob, getRun, listJobs, listRuns, mergeParams, nextCronRun, parseParamArgs, runJobNow, seedJobDefinitions,
  setJobCron, setJobEnabled, setJobParams, type JobRegistry,
} from '../../src/jobs';
import { createTestDatabase, ENGINES } from '../support/db';

describe('cron checks', () => {
  it('accepts 5-field crons and normalizes spacing', () => {
    expect(checkCron(' */15  * * * * ')).toEqual({ ok: true, cron: '*/15 * * * *' });
    expect(checkCron('0 2 * * 1-5').ok).toBe(true);
  });

  it('refuses bad crons with a message naming cron', () => {
    for (const bad of ['', 'every day', '61 * * * *', '* * * * * *', '@daily', '0 0 30 2 *', 42]) {
      const r = checkCron(bad);
      expect(r.ok, String(bad)).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^cron: /);
    }
  });

  it('computes the next run in the given zone', () => {
    const from = new Date('2026-11-23T10:07:00Z');
    expect(nextCronRun('*/15 * * * *', from)?.toISOString()).toBe('2026-11-23T10:15:00.000Z');
    expect(nextCronRun('0 2 * * 1-5', from, 'America/New_York')?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    expect(nextCronRun(null, from)).toBeNull();
  });
});

describe('job params', () => {
  it('merges (null removes) and parses k=v arguments (JSON when it parses)', () => {
    expect(mergeParams({ a: 1, b: 2 }, { b: null, c: 'x' })).toEqual({ a: 1, c: 'x' });
    expect(parseParamArgs(['maxFiles=3', 'name=abc', 'm={"CASH":"1"}', 'empty='])).toEqual({ ok: true, params: { maxFiles: 3, name: 'abc', m: { CASH: '1' }, empty: '' } });
    expect(parseParamArgs(['nokey'])).toMatchObject({ ok: false, message: expect.stringContaining('key=value') });
  });
});

describe.each(ENGINES)('job admin on %s', (engine) => {
  let d: Database;
  let registry: JobRegistry;
  beforeEach(async () => {
    d = await createTestDatabase(engine);
    registry = createJobRegistry([
      { name: 'BROKERING_RUN', description: 'Routes approved orders', defaultCron: '*/15 * * * *', handler: async (ctx) => { ctx.count('routed', 2); } },
      { name: 'IMP_ORDER_ITM_RJCT', description: 'Imports rejected items', handler: async () => { throw new Error('file missing'); },
        params: z.object({ maxFiles: z.number().int().min(1).optional(), mode: z.enum(['a', 'b']).optional() }) },
    ]);
    await seedJobDefinitions(d.db, registry);
  });
  afterEach(async () => { await d.close(); });

  it('seeds definitions once (operator changes survive a re-seed) and lists jobs with last and next run', async () => {
    await setJobCron(d.db, undefined, 'BROKERING_RUN', '0 * * * *');
    await seedJobDefinitions(d.db, registry);
    const now = new Date('2026-11-23T10:07:00Z');
    let jobs = await listJobs(d.db, { now });
    expect(jobs.map((j) => [j.name, j.cron, j.enabled, j.nextRunAt?.toISOString() ?? null, j.lastRun])).toEqual([
      ['BROKERING_RUN', '0 * * * *', true, '2026-11-23T11:00:00.000Z', null],
      ['IMP_ORDER_ITM_RJCT', null, true, null, null],
    ]);
    await runJobNow(d, registry, 'BROKERING_RUN', 'cli');
    await runJobNow(d, registry, 'BROKERING_RUN', 'manual');
    await runJobNow(d, registry, 'IMP_ORDER_ITM_RJCT');
    jobs = await listJobs(d.db, { now });
    expect(jobs[0].lastRun).toMatchObject({ name: 'BROKERING_RUN', status: 'COMPLETED', trigger: 'manual', counts: { routed: 2 } });
    expect(jobs[1].lastRun).toMatchObject({ status: 'FAILED', error: 'file missing' });
    expect(jobs.every((j) => !j.running)).toBe(true);
  });

  it('pauses and resumes a job; a paused job has no next run and is skipped', async () => {
    const paused = await setJobEnabled(d.db, undefined, 'BROKERING_RUN', false);
    expect(paused).toMatchObject({ kind: 'ok', job: { enabled: false, nextRunAt: null } });
    expect(await runJobNow(d, registry, 'BROKERING_RUN')).toMatchObject({ kind: 'skipped', reason: 'disabled' });
    const resumed = await setJobEnabled(d.db, undefined, 'BROKERING_RUN', true);
    expect(resumed.kind === 'ok' && resumed.job.nextRunAt).toBeInstanceOf(Date);
    expect((await runJobNow(d, registry, 'BROKERING_RUN')).kind).toBe('completed');
    expect(await setJobEnabled(d.db, undefined, 'NOPE', true)).toMatchObject({ kind: 'not_found' });
  });

  it('sets, refuses and clears crons', async () => {
    expect(await setJobCron(d.db, undefined, 'IMP_ORDER_ITM_RJCT', '30 6 * * *')).toMatchObject({ kind: 'ok', job: { cron: '30 6 * * *' } });
    const bad = await setJobCron(d.db, undefined, 'IMP_ORDER_ITM_RJCT', '99 * * * *');
    expect(bad).toMatchObject({ kind: 'invalid', errors: [{ field: 'cron' }] });
    expect(bad.kind === 'invalid' && bad.message).toMatch(/^cron: /);
    expect(await getJob(d.db, 'IMP_ORDER_ITM_RJCT')).toMatchObject({ kind: 'ok', job: { cron: '30 6 * * *' } });
    expect(await setJobCron(d.db, undefined, 'IMP_ORDER_ITM_RJCT', null)).toMatchObject({ kind: 'ok', job: { cron: null, nextRunAt: null } });
    expect(await setJobCron(d.db, undefined, 'NOPE', '* * * * *')).toMatchObject({ kind: 'not_found' });
  });

  it('stores params merged and checked; a refused change stores nothing and names the param', async () => {
    expect(await setJobParams(d.db, registry, 'IMP_ORDER_ITM_RJCT', { maxFiles: 5, mode: 'a' })).toMatchObject({ kind: 'ok', job: { params: { maxFiles: 5, mode: 'a' } } });
    expect(await setJobParams(d.db, registry, 'IMP_ORDER_ITM_RJCT', { mode: null })).toMatchObject({ kind: 'ok', job: { params: { maxFiles: 5 } } });
    const bad = await setJobParams(d.db, registry, 'IMP_ORDER_ITM_RJCT', { maxFiles: 0, mode: 'b' });
    expect(bad).toMatchObject({ kind: 'invalid', errors: [{ field: 'params.maxFiles' }] });
    expect(bad.kind === 'invalid' && bad.message).toMatch(/^params\.maxFiles: /);
    expect(await setJobParams(d.db, registry, 'IMP_ORDER_ITM_RJCT', { maxRowsPerFile: 10 })).toMatchObject({ kind: 'invalid', errors: [{ field: 'params.maxRowsPerFile' }] });
    expect(await getJob(d.db, 'IMP_ORDER_ITM_RJCT')).toMatchObject({ kind: 'ok', job: { params: { maxFiles: 5 } } });
    expect(await setJobParams(d.db, registry, 'NOPE', {})).toMatchObject({ kind: 'not_found' });
  });

  it('lists runs newest first with filters, and gets one run', async () => {
    for (let i = 0; i < 3; i++) await runJobNow(d, registry, 'BROKERING_RUN');
    await runJobNow(d, registry, 'IMP_ORDER_ITM_RJCT');
    const all = await listRuns(d.db, {});
    expect(all).toHaveLength(4);
    expect(all[0].name).toBe('IMP_ORDER_ITM_RJCT');
    expect(await listRuns(d.db, { name: 'BROKERING_RUN', limit: 2 })).toHaveLength(2);
    expect((await listRuns(d.db, { status: 'FAILED' })).map((r) => r.name)).toEqual(['IMP_ORDER_ITM_RJCT']);
    expect(await getRun(d.db, all[1].id)).toEqual({ kind: 'ok', run: all[1] });
    expect(await getRun(d.db, 'RUN-NOPE')).toMatchObject({ kind: 'not_found' });
    expect(await runJobNow(d, registry, 'NOPE')).toMatchObject({ kind: 'not_found' });
    expect((await d.db.select().from(jobRuns)).length).toBe(4);
  });
});
