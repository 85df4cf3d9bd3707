/** Brokering runs: stale RUNNING runs are closed FAILED with the reason; a shutdown signal stops a run between batches. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { brokeringRuns } from '../../src/db/schema';
import { runBrokering, sweepAbandonedRuns } from '../../src/app/brokering';
import { createTestDatabase, ENGINES } from '../support/db';

describe.each(ENGINES)('brokering run liveness on %s', (engine) => {
  let d: Database;
  beforeEach(async () => { d = await createTestDatabase(engine); });
  afterEach(async () => { await d.close(); });

  it('closes a stale RUNNING run FAILED at the start of the next run, leaves a beating one alone', async () => {
    await d.db.insert(brokeringRuns).values([
      { id: 'RUN-DEAD', status: 'RUNNING', trigger: 'cron', orders: 7, startedAt: sql`now() - interval '10 minutes'`, heartbeatAt: sql`now() - interval '2 minutes'` },
      { id: 'RUN-LIVE', status: 'RUNNING', trigger: 'api', startedAt: sql`now() - interval '10 minutes'`, heartbeatAt: sql`now() - interval '1 second'` },
    ]);
    const r = await runBrokering(d, { trigger: 'test' });
    expect(r.status).toBe('COMPLETED');
    const rows = new Map((await d.db.select().from(brokeringRuns)).map((x) => [x.id, x]));
    expect(rows.get('RUN-DEAD')).toMatchObject({ status: 'FAILED' });
    expect(rows.get('RUN-DEAD')!.error).toMatch(/^abandoned: no heartbeat from this cron brokering run since .+Z \(stale after 45 s; 7 orders routed before\)/);
    expect(rows.get('RUN-LIVE')!.status).toBe('RUNNING');
    expect(rows.get(r.id)!.heartbeatAt).toBeInstanceOf(Date);
    expect(await sweepAbandonedRuns(d.db, 500)).toEqual([{ id: 'RUN-LIVE', error: expect.stringMatching(/^abandoned: /) }]);
  });

  it('an aborted signal stops the run before its next batch: FAILED, interrupted', async () => {
    const r = await runBrokering(d, { trigger: 'test', signal: AbortSignal.abort() });
    expect(r).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^interrupted: the process is shutting down; stopped after 0 batches/) });
    const [row] = await d.db.select().from(brokeringRuns).where(eq(brokeringRuns.id, r.id));
    expect(row.status).toBe('FAILED');
  });
});
