/**
 * Jobs over HTTP. `POST /jobs/:name/run` runs the job in this process and waits: 200 completed,
 * 500 failed, 409 skipped (disabled / already running, with the reason; a SKIPPED row records it),
 * 503 while the server drains, 400 bad params. With `?async=true` the run is checked up front
 * (params, enabled, no live RUNNING row): a run that would be skipped answers 409 as above and is
 * never queued; otherwise it is queued (202 `{status:'queued', jobId}`, or 202 `{status:'already_queued'}`
 * when a run is already waiting in the queue: that one will run) for a worker of any
 * process. A run that starts elsewhere between that check and the worker is still skipped by the
 * worker, which leaves its own SKIPPED row in the history. A process without jobs (`OMS_JOBS=false`,
 * an API process) queues every run like `?async=true` for the workers of other processes, or
 * answers 409 when it has no queue (the embedded database).
 */
import { z } from 'zod';
import { actorOf, type App, type HttpContext, type JobsContext } from '../context';
import { draining, reply, replyRun } from '../errors';
import { access } from '../auth';
import { zKey, zShortText, zStorableJson } from '../../domain/limits';
import { conflict } from '../../domain/result';
import { enqueueJob, getJob, getRun, listJobs, listRuns, runJobNow, setJobCron, setJobEnabled, setJobParams } from '../../jobs';

const runQuery = z.object({ async: z.enum(['true', 'false']).default('false') });
const params = z.record(zKey(), zStorableJson());
const runBody = z.object({ params: params.optional() }).nullish();
const runsQuery = z.object({ name: zKey().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
const patchBody = z.object({
  enabled: z.boolean().optional(),
  cron: zShortText().nullable().optional(),
  params: params.optional(),
});

/** The jobs API, over the registry and pg-boss instance of `jobs`. */
/** The answer of a process without jobs and without a queue to other processes (OMS_JOBS=false on the embedded database). */
const NO_JOBS_HERE = 'this process runs no jobs (OMS_JOBS=false) and the embedded database has no other process to run them: start it with OMS_JOBS=true';

export function jobRoutes(app: App, ctx: HttpContext, { registry, boss, runsHere = true }: JobsContext) {
  const db = ctx.database.db;
  const staleAfterMs = ctx.config.OMS_JOB_STALE_AFTER_SECONDS * 1000;
  const name = z.object({ name: zKey() });
  const rule = access('jobs');
  app.get('/jobs', { schema: { tags: ['jobs'], summary: 'Jobs with schedule, state, last run and next run' }, config: rule },
    async () => ({ jobs: await listJobs(db) }));
  app.get('/jobs/runs', { schema: { tags: ['jobs'], querystring: runsQuery }, config: rule }, async (req) => ({ runs: await listRuns(db, req.query) }));
  app.get('/jobs/runs/:id', { schema: { tags: ['jobs'], params: z.object({ id: zKey() }) }, config: rule },
    async (req, res) => reply(res, await getRun(db, req.params.id), (x) => x.run));
  app.get('/jobs/:name', { schema: { tags: ['jobs'], params: name }, config: rule },
    async (req, res) => reply(res, await getJob(db, req.params.name), (x) => x.job));
  app.patch('/jobs/:name', {
    schema: {
      tags: ['jobs'], params: name, body: patchBody,
      summary: 'Pause/resume a job, change its cron, or merge its params (a null value removes a param; checked against the job\'s params)',
    },
    config: rule,
  }, async (req, res) => {
    const { enabled, cron, params } = req.body;
    if (params !== undefined) {
      const r = await setJobParams(db, registry, req.params.name, params);
      if (r.kind !== 'ok') return reply(res, r, () => null);
    }
    if (cron !== undefined) {
      const r = await setJobCron(db, boss, req.params.name, cron);
      if (r.kind !== 'ok') return reply(res, r, () => null);
    }
    if (enabled !== undefined) return reply(res, await setJobEnabled(db, boss, req.params.name, enabled), (x) => x.job);
    return reply(res, await getJob(db, req.params.name), (x) => x.job);
  });
  app.post('/jobs/:name/run', {
    schema: {
      tags: ['jobs'], params: name, querystring: runQuery, body: runBody,
      summary: 'Run a job now (waits for it), or queue it with ?async=true (always queued by a process with OMS_JOBS=false); '
        + '409 when it would be skipped (the reason is recorded as a SKIPPED run)',
    },
    config: rule,
  }, async (req, res) => {
    const params = req.body?.params;
    const actor = actorOf(req);
    if (ctx.lifecycle?.draining) return reply(res, draining('the server is shutting down: no new job runs'), () => null);
    if ((req.query.async === 'true' || !runsHere) && boss) {
      return replyRun(res, await enqueueJob(boss, req.params.name, { trigger: 'api', params, actor, preflight: { db, registry, staleAfterMs } }));
    }
    if (!runsHere) return reply(res, conflict(NO_JOBS_HERE), () => null);
    const run = runJobNow(ctx.database, registry, req.params.name, 'api', { log: ctx.log, params, actor, staleAfterMs, signal: ctx.lifecycle?.signal });
    return replyRun(res, await (ctx.lifecycle ? ctx.lifecycle.track(run) : run));
  });
}
