/**
 * The Store Fulfillment App: a static, build-free web app (src/web/public) served under /app/.
 * It talks only to the public HTTP API of this server (same origin), so it needs no context.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** src/web/public of the package: the package root is found above this module (src/web/ in the sources, a chunk of dist/ in the build). */
function webRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'src', 'web', 'public', 'index.html'))) return join(dir, 'src', 'web', 'public/');
    if (dirname(dir) === dir) throw new Error(`no src/web/public/index.html in a folder above ${here}`);
  }
}

export const WEB_ROOT = webRoot();

/**
 * Serves the app under /app/ (and redirects / and /app there). Its security headers (a same-origin
 * CSP: no inline script or style, nothing from the internet) are the server's, set on every response.
 */
export async function webRoutes(app: FastifyInstance<any, any, any, any, any>): Promise<void> {
  // Encapsulated, so the static plugin's reply decorators do not clash with swagger-ui's copy.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/app/',
      decorateReply: false,
      setHeaders: (reply) => { reply.header('cache-control', 'no-cache'); },
    });
  });
  // The static prefix matches /app/… only: /app itself is redirected, its query string kept.
  app.get('/app', { schema: { hide: true } }, async (req, res) => res.redirect(`/app/${req.url.slice('/app'.length)}`, 301));
  app.get('/', { schema: { hide: true } }, async (_req, res) => res.redirect('/app/', 302));
}
