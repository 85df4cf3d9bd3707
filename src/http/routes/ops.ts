import type { App } from '../server';
import type { HttpContext } from '../context';
import type { Metrics } from '../metrics';
import { migrationsCurrent } from '../../db/migrate';

export function opsRoutes(app: App, ctx: HttpContext, metrics: Metrics) {
  app.get('/health', { schema: { tags: ['ops'], summary: 'Database reachable and migrations current; 503 draining while shutting down' } }, async (_req, res) => {
    if (ctx.lifecycle?.draining) return res.code(503).send({ status: 'draining', database: { engine: ctx.database.engine } });
    let reachable = false, current = false;
    try {
      await ctx.database.query('select 1');
      reachable = true;
      current = await migrationsCurrent(ctx.database);
    } catch { /* reported below */ }
    const ok = reachable && current;
    return res.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: { engine: ctx.database.engine, reachable, migrationsCurrent: current } });
  });
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, res) => {
    res.header('content-type', metrics.registry.contentType);
    return res.send(await metrics.registry.metrics());
  });
}
