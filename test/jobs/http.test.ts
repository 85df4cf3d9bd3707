/** The jobs API and /health over HTTP (fastify inject): params, skipped runs, draining. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../src/db/client';
import { jobRuns } from '../../src/db/schema';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { Lifecycle } from '../../src/lifecycle';
import { createJobRegistry, seedJobDefinitions, setJobEnabled } from '../../src/jobs';
import { createTestDatabase, ENGINES } from '../support/db';
import { authorizeAsAdmin } from '../support/auth';
import { gate, waitFor } from './helpers';
import { approveOrder, createOrder } from '../../src/app/orders';
import { expectOk, orderBody } from '../support/fixtures';

describe.each(ENGINES)('jobs API on %s', (engine) => {
  let d: Database;
  let app: App;
  let lifecycle: Lifecycle;
  let started = gate();
  let stoppedEarly = false;
  const registry = createJobRegistry([
    { name: 'GEN_FEED', description: 'x', params: z.object({ maxRowsPerFile: z.number().int().min(1).max(25_000).optional(), maxFiles: z.number().int().min(1).optional() }), handler: async (ctx) => { ctx.count('files', Number(ctx.params.maxFiles ?? 0)); } },
    {
      name: 'IMP_LONG', description: 'x', handler: async (ctx) => {
        started.open();
        await new Promise<void>((r) => ctx.signal!.addEventListener('abort', () => r(), { once: true }));
        stoppedEarly = true;
        return { counts: { batches: 1 } };
      },
    },
  ]);
  beforeEach(async () => {
    d = await createTestDatabase(engine);
    started = gate();
    stoppedEarly = false;
    await seedJobDefinitions(d.db, registry);
    lifecycle = new Lifecycle();
    const ctx = { database: d, config: loadConfig({}), log: createLogger('silent'), lifecycle };
    app = await authorizeAsAdmin(await buildServer({ ...ctx, jobs: { registry } }), d.db);
  });
  afterEach(async () => { await app.close(); await d.close(); });

  it('PATCH params merges, null removes, a bad value or unknown param is 400 naming it and stores nothing', async () => {
    const patch = (params: unknown) => app.inject({ method: 'PATCH', url: '/jobs/GEN_FEED', payload: { params } });
    expect((await patch({ maxRowsPerFile: 200, maxFiles: 3 })).json()).toMatchObject({ params: { maxRowsPerFile: 200, maxFiles: 3 } });
    expect((await patch({ maxFiles: null })).json().params).toEqual({ maxRowsPerFile: 200 });
    const big = await patch({ maxRowsPerFile: 25_001 });
    expect(big.statusCode).toBe(400);
    expect(big.json()).toMatchObject({ error: 'invalid', errors: [{ field: 'params.maxRowsPerFile' }] });
    const unknown = await patch({ maxRows: 5 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/^params\.maxRows: unknown param of job GEN_FEED \(accepted: maxRowsPerFile, maxFiles\)/);
    expect((await app.inject({ method: 'GET', url: '/jobs/GEN_FEED' })).json().params).toEqual({ maxRowsPerFile: 200 });
    expect((await app.inject({ method: 'PATCH', url: '/jobs/NOPE', payload: { params: {} } })).statusCode).toBe(404);
  });

  it('POST run: 200 with params of the run, 400 on a bad one, 409 with the reason when skipped (and a SKIPPED row)', async () => {
    const ok = await app.inject({ method: 'POST', url: '/jobs/GEN_FEED/run', payload: { params: { maxFiles: 2 } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ kind: 'completed', run: { counts: { files: 2 } } });
    const bad = await app.inject({ method: 'POST', url: '/jobs/GEN_FEED/run', payload: { params: { maxFiles: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.maxFiles');
    await setJobEnabled(d.db, undefined, 'GEN_FEED', false);
    const skipped = await app.inject({ method: 'POST', url: '/jobs/GEN_FEED/run' });
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json()).toMatchObject({ reason: 'disabled', message: 'job GEN_FEED is disabled', run: { status: 'SKIPPED' } });
    const rows = await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'GEN_FEED'));
    expect(rows.map((r) => r.status).sort()).toEqual(['COMPLETED', 'SKIPPED']);
  });

  it('POST /brokering/runs: 201 for a completed run, 500 with the run (FAILED, its error) for a failed one', async () => {
    const ok = await app.inject({ method: 'POST', url: '/brokering/runs' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'COMPLETED' });
    // A queued order and a table the run must write gone: the run fails.
    const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU-NEW', quantity: 1 }] }))));
    expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
    await d.query('alter table routing_decisions rename to routing_decisions_gone');
    const failed = await app.inject({ method: 'POST', url: '/brokering/runs' });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toMatchObject({ error: 'run_failed', run: { status: 'FAILED' } });
    expect(failed.json().message).toMatch(/routing_decisions/);
  });

  it('while draining: /health 503 draining, no new run (503), and a run in progress is told to stop after its batch', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const running = app.inject({ method: 'POST', url: '/jobs/IMP_LONG/run' });
    await started.promise;
    await waitFor(async () => (await d.db.select().from(jobRuns).where(eq(jobRuns.name, 'IMP_LONG')))[0], 'the RUNNING row');
    lifecycle.beginDrain();
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'draining' });
    const refused = await app.inject({ method: 'POST', url: '/jobs/GEN_FEED/run' });
    expect(refused.statusCode).toBe(503);
    const brokering = await app.inject({ method: 'POST', url: '/brokering/runs' });
    expect(brokering.statusCode).toBe(503);
    expect(brokering.json()).toMatchObject({ error: 'draining' });
    expect(await lifecycle.settled(5000)).toBe(true);
    const r = await running;
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'completed', run: { counts: { batches: 1 } } });
    expect(stoppedEarly).toBe(true);
  });
});
