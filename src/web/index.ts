/**
 * The Store Fulfillment App: a static, build-free web app (src/web/public) served under /app/.
 * It talks only to the public HTTP API of this server (same origin), so it needs no context.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_ROOT = fileURLToPath(new URL('./public/', import.meta.url));

/** Same-origin only: nothing is loaded from the internet, no inline script or style. */
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export async function webRoutes(app: FastifyInstance<any, any, any, any, any>): Promise<void> {
  // Encapsulated, so the static plugin's reply decorators do not clash with swagger-ui's copy.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/app/',
      redirect: true, // /app → /app/
      decorateReply: false,
      setHeaders: (reply) => {
        reply.header('content-security-policy', CSP);
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'no-referrer');
        reply.header('cache-control', 'no-cache');
      },
    });
  });
  app.get('/', { schema: { hide: true } }, async (_req, res) => res.redirect('/app/', 302));
}
