/**
 * The fastify server: validation with zod, OpenAPI at /docs, one error mapper, metrics, headers and limits (hardening.ts),
 * authentication and each route's access rule (auth.ts).
 */
import Fastify, { LogController } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App, HttpContext } from './context';
import { errorHandler } from './errors';
import { harden } from './hardening';
import { authenticate } from './auth';
import { createMetrics } from './metrics';
import { opsRoutes } from './routes/ops';
import { orderRoutes } from './routes/orders';
import { catalogRoutes } from './routes/catalog';
import { brokeringRoutes } from './routes/brokering';
import { storeRoutes } from './routes/store';
import { storeOrderRoutes } from './routes/store-orders';
import { netsuiteRoutes } from './routes/netsuite';
import { jobRoutes } from './routes/jobs';
import { authRoutes } from './routes/auth';
import { userRoutes } from './routes/users';

export type { App } from './context';

/** The server with every API route; the jobs API when `ctx.jobs` is given, then `ctx.plugins`. */
export async function buildServer(ctx: HttpContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }),
    // One request line of our own (onResponse below) instead of fastify's.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.OMS_BODY_LIMIT_BYTES,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  const metrics = createMetrics(ctx.database);
  app.addHook('onResponse', async (req, res) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    metrics.latency.observe({ method: req.method, route }, res.elapsedTime / 1000);
    // Only method, route template and status: never bodies, addresses or e-mails.
    req.log.info({ method: req.method, route, status: res.statusCode, ms: Math.round(res.elapsedTime) }, 'request');
  });

  await harden(app, ctx.config);
  await authenticate(app, ctx);
  acceptEmptyJson(app);
  await app.register(swagger, {
    openapi: { info: { title: 'OMS API', description: 'Orders, brokering, inventory, store fulfilment and NetSuite feeds', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  opsRoutes(app, ctx, metrics);
  authRoutes(app, ctx);
  userRoutes(app, ctx);
  orderRoutes(app, ctx);
  catalogRoutes(app, ctx);
  brokeringRoutes(app, ctx);
  storeRoutes(app, ctx);
  storeOrderRoutes(app, ctx);
  netsuiteRoutes(app, ctx);
  if (ctx.jobs) jobRoutes(app, ctx, ctx.jobs);
  for (const plugin of ctx.plugins ?? []) await plugin(app);
  return app;
}

/**
 * JSON bodies as fastify parses them, except that an empty body is no body: a session request
 * must say `application/json` even when it sends nothing (auth.ts), and that must not be a 400.
 */
function acceptEmptyJson(app: App) {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    json(req, body as string, done);
  });
}
