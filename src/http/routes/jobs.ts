import { z } from 'zod';
import type PgBoss from 'pg-boss';
import type { App } from '../server';
import type { HttpContext } from '../context';
import { reply } from '../errors';
import { enqueueJob, getJob, getRun, listJobs, listRuns, runJobNow, setJobCron, setJobEnabled, type JobRegistry } from '../../jobs';

export function jobRoutes(app: App, ctx: HttpContext, registry: JobRegistry, boss?: PgBoss) {
  const db = ctx.database.db;
  const name = z.object({ name: z.string() });
  app.get('/jobs', { schema: { tags: ['jobs'], summary: 'Jobs with schedule, state, last run and next run' } }, async () => ({ jobs: await listJobs(db) }));
  app.get('/jobs/runs', { schema: { tags: ['jobs'], querystring: z.object({ name: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) } },
    async (req) => ({ runs: await listRuns(db, req.query) }));
  app.get('/jobs/runs/:id', { schema: { tags: ['jobs'], params: z.object({ id: z.string() }) } }, async (req, res) => reply(res, await getRun(db, req.params.id), (x) => x.run));
  app.get('/jobs/:name', { schema: { tags: ['jobs'], params: name } }, async (req, res) => reply(res, await getJob(db, req.params.name), (x) => x.job));
  app.patch('/jobs/:name', {
    schema: { tags: ['jobs'], summary: 'Pause/resume a job or change its cron', params: name, body: z.object({ enabled: z.boolean().optional(), cron: z.string().nullable().optional() }) },
  }, async (req, res) => {
    if (req.body.cron !== undefined) {
      const r = await setJobCron(db, boss, req.params.name, req.body.cron);
      if (r.kind !== 'ok' || req.body.enabled === undefined) return reply(res, r, (x) => x.job);
    }
    if (req.body.enabled !== undefined) return reply(res, await setJobEnabled(db, boss, req.params.name, req.body.enabled), (x) => x.job);
    return reply(res, await getJob(db, req.params.name), (x) => x.job);
  });
  app.post('/jobs/:name/run', {
    schema: { tags: ['jobs'], summary: 'Run a job now (waits for it), or enqueue it with ?async=true', params: name, querystring: z.object({ async: z.enum(['true', 'false']).default('false') }) },
  }, async (req, res) => {
    if (req.query.async === 'true' && boss) {
      const r = await enqueueJob(boss, req.params.name, { trigger: 'api' });
      if (r.kind === 'not_found') return reply(res, r as never, () => null);
      return res.code(202).send(r);
    }
    const r = await runJobNow(ctx.database, registry, req.params.name, 'api', { log: ctx.log });
    if (r.kind === 'not_found') return res.code(404).send({ error: 'not_found', message: r.message });
    if (r.kind === 'skipped') return res.code(409).send({ error: 'conflict', message: r.message, reason: r.reason });
    return res.code(r.kind === 'completed' ? 200 : 500).send(r);
  });
}
