import { z } from 'zod';
import { actorOf, inTransaction, type App, type HttpContext } from '../context';
import { draining, reply } from '../errors';
import { access } from '../auth';
import { getRun, listExceptions, listRuns, orderExplanation, retryException, runBrokering } from '../../app/brokering';
import { checkSettings, getProfile, listProfiles, profileHistory, saveProfile, settingsInputSchema } from '../../app/routing-profiles';
import { whatIf } from '../../app/brokering/what-if';
import { routingForm } from '../../domain/routing-form';
import { notFound } from '../../domain/result';
import { refineStorable, zKey, zShortText } from '../../domain/limits';
import { zPageQuery } from '../../domain/paging';

const idParam = z.object({ id: zKey() });

/** The what-if of the routing editor replays at most this many orders of the queue (the head, in queue order) and lists at most 200 changed ones. */
export const WHAT_IF_MAX_ORDERS = 1000;

export function brokeringRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  const routing = access('routing');
  const brokering = access('brokering');
  app.get('/routing-profiles', { schema: { tags: ['routing'], summary: 'Routing profiles (default and per sales channel)' }, config: routing },
    async () => ({ profiles: await listProfiles(db) }));
  app.get('/routing-profiles/:id', { schema: { tags: ['routing'], params: idParam }, config: routing }, async (req, res) =>
    (await getProfile(db, req.params.id)) ?? reply(res, notFound('routing profile', req.params.id), () => null));
  app.put('/routing-profiles/:id', {
    schema: {
      tags: ['routing'], summary: 'Create or replace a profile; mutually exclusive settings answer 422 naming every pair',
      params: idParam,
      body: z.object({
        name: zShortText().optional(), salesChannel: zKey().nullable().optional(),
        /** Why: kept on the history row. */
        comment: zShortText().optional(),
        settings: settingsInputSchema.optional().superRefine((v, c) => refineStorable(v, c)),
      }),
    },
    config: routing,
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => saveProfile(tx, req.params.id, req.body, actorOf(req)));
    return reply(res, r, (x) => ({ ...x.profile, warnings: x.warnings }));
  });
  app.get('/routing-settings', {
    schema: { tags: ['routing'], summary: "The routing editor's form: the settings by group with labels and help, the mutually exclusive pairs and why" },
    config: routing,
  }, async () => routingForm());
  app.post('/routing-profiles/:id/what-if', {
    schema: {
      tags: ['routing'],
      summary: `Replay the queue's first ${WHAT_IF_MAX_ORDERS} orders with these settings for this profile next to the saved ones; changes nothing. `
        + 'Mutually exclusive settings answer 422 naming every pair',
      params: idParam,
      body: z.object({ settings: settingsInputSchema.optional().superRefine((v, c) => refineStorable(v, c)) }),
    },
    config: routing,
  }, async (req, res) => {
    if (!(await getProfile(db, req.params.id))) return reply(res, notFound('routing profile', req.params.id), () => null);
    const checked = checkSettings(req.body.settings);
    if (checked.kind !== 'ok') return reply(res, checked, () => null);
    return whatIf(db, checked.settings, undefined, { profileId: req.params.id, maxOrders: WHAT_IF_MAX_ORDERS });
  });
  app.get('/routing-profiles/:id/history', { schema: { tags: ['routing'], params: idParam }, config: routing },
    async (req, res) => reply(res, await profileHistory(db, req.params.id), (x) => ({ history: x.history })));

  app.post('/brokering/runs', {
    schema: {
      tags: ['brokering'],
      summary: 'Run brokering now over the whole queue: 201 completed; 503 while the server drains; 500 with the run when it failed',
    },
    config: brokering,
  }, async (req, res) => {
    if (ctx.lifecycle?.draining) return reply(res, draining('the server is shutting down: no new brokering run'), () => null);
    const staleAfterMs = ctx.config.OMS_JOB_STALE_AFTER_SECONDS * 1000;
    const run = await runBrokering(ctx.database, { trigger: 'api', actor: actorOf(req), signal: ctx.lifecycle?.signal, staleAfterMs });
    if (run.status === 'COMPLETED') return reply(res, { kind: 'created' as const, run }, (x) => x.run);
    // Stopped by a shutdown after the batch in progress, or failed: the run row says which and why.
    const kind = ctx.lifecycle?.draining ? 'draining' as const : 'run_failed' as const;
    return reply(res, { kind, message: run.error ?? 'brokering run failed', run }, () => null);
  });
  app.get('/brokering/runs', {
    schema: { tags: ['brokering'], summary: 'A page of the runs, newest first (limit ≤ 200)', querystring: zPageQuery(200, 20) }, config: brokering,
  }, async (req) => {
    const p = await listRuns(db, req.query);
    return { runs: p.rows, nextOffset: p.nextOffset };
  });
  app.get('/brokering/runs/:id', { schema: { tags: ['brokering'], summary: "A run's counts and per-order results", params: idParam }, config: brokering },
    async (req, res) => reply(res, await getRun(db, req.params.id), (x) => ({ ...x.run, decisions: x.decisions })));
  app.get('/orders/:id/routing', {
    schema: { tags: ['brokering'], summary: "An order's routing explanations, newest first", params: idParam }, config: brokering,
  }, async (req, res) => reply(res, await orderExplanation(db, req.params.id), (x) => ({ decisions: x.decisions })));
  app.get('/exceptions', {
    schema: {
      tags: ['brokering'], summary: 'A page of the orders in Exception with their reason, most recently changed first', querystring: zPageQuery(1000, 100),
    },
    config: brokering,
  }, async (req) => {
    const p = await listExceptions(db, req.query);
    return { exceptions: p.rows, nextOffset: p.nextOffset };
  });
  app.post('/exceptions/:id/retry', {
    schema: { tags: ['brokering'], summary: 'Move an Exception order back to the brokering queue', params: idParam }, config: brokering,
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => retryException(tx, req.params.id, actorOf(req))), (x) => x.order));
}
