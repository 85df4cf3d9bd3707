import type { App, HttpContext } from '../context';
import type { Metrics } from '../metrics';
import { access } from '../auth';
import { databaseHealth } from '../../app/ops';

export function opsRoutes(app: App, ctx: HttpContext, metrics: Metrics) {
  // Statuses set here, not by `reply`: for a load balancer the status of /health is the answer
  // itself (200 serving, 503 draining or unavailable), and its body is a report, not an outcome.
  const summary = 'Database reachable and migrations current; 503 draining while shutting down';
  app.get('/health', { schema: { tags: ['ops'], summary }, config: access('public') }, async (_req, res) => {
    if (ctx.lifecycle?.draining) return res.code(503).send({ status: 'draining', database: { engine: ctx.database.engine } });
    const database = await databaseHealth(ctx.database);
    const ok = database.reachable && database.migrationsCurrent;
    return res.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database });
  });
  app.get('/metrics', {
    schema: { tags: ['ops'], summary: 'Prometheus metrics (admin, operations, or an integration token for a scraper)' },
    config: access('metrics'),
  }, async (_req, res) => {
    res.header('content-type', metrics.registry.contentType);
    return res.send(await metrics.registry.metrics());
  });
}
