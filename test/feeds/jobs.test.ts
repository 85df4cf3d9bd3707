/** The feed job list: names, schedules and registry compatibility (no database needed). */
import { describe, expect, it } from 'vitest';
import { checkCron, createJobRegistry, nextCronRun } from '../../src/jobs';
import { FEED_JOB_NAMES, feedJobs } from '../../src/feeds/jobs';
import { runPartOf } from '../../src/feeds/export-runner';
import { errorReportName } from '../../src/feeds/import-runner';
import { FEEDS } from '../../src/feeds/codec';
import { CONFIG } from './helpers';

describe('feedJobs', () => {
  const jobs = feedJobs({ database: {} as never, transport: {} as never, config: CONFIG });

  it('defines the HotWax-named jobs, each registrable, with a valid 15-minute cron', () => {
    expect(jobs.map((j) => j.name).sort()).toEqual([...FEED_JOB_NAMES].sort());
    const registry = createJobRegistry(jobs);
    expect(registry.size).toBe(FEED_JOB_NAMES.length);
    const from = new Date('2026-11-20T10:00:30Z');
    for (const j of jobs) {
      expect(checkCron(j.defaultCron)).toEqual({ ok: true, cron: j.defaultCron });
      const next = nextCronRun(j.defaultCron, from)!;
      expect(next.getTime() - from.getTime()).toBeLessThanOrEqual(15 * 60_000);
      expect(j.description).toMatch(/^NetSuite: /);
      expect(typeof j.handler).toBe('function');
    }
    // Staggered: no two jobs of the flow share a minute.
    expect(new Set(jobs.map((j) => j.defaultCron)).size).toBe(FEED_JOB_NAMES.length);
  });

  it('names files with the run id and a per-file suffix that fits the codec patterns', () => {
    const part = runPartOf('RUN-01JD3M8Q2K7ZV4XG', 'FF-01JD3M8Q2K7ZV4XGABCDEFGH');
    expect(part).toBe('RUN-01JD3M8Q2K7ZV4XG-01JD3M8Q2K7ZV4XGABCDEFGH');
    const name = FEEDS['brokered-items'].fileName(new Date('2026-11-20T10:00:00Z'), part);
    expect(name).toBe(`brokeredOrderItemsFeed_2026-11-20-10-00-00_${part}.csv`);
    expect(FEEDS['brokered-items'].isFileName(name)).toBe(true);
    // A run id with characters a file name may not carry is sanitised, never rejected.
    const odd = runPartOf('pg-boss:1b2c/3 d', 'FF-X1');
    expect(FEEDS['inventory-adjustment'].isFileName(FEEDS['inventory-adjustment'].fileName(new Date(), odd))).toBe(true);
    expect(errorReportName('2026-11-20 10:00:00-RejectedSalesOrderItemExport.csv', 'FF-1'))
      .toBe('2026-11-20 10:00:00-RejectedSalesOrderItemExport_FF-1.errors.csv');
  });
});
