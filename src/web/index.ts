/**
 * The OMS web app (Vue 3, built by Vite from web/ into dist/web/: `npm run build:web`, part of the
 * build) served under /app/. It talks only to the public HTTP API of this server (same origin), so
 * it needs no context. A path under /app/ that is no file of the build is a page of the app (its
 * router reads the path): it gets index.html.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The package root: the first folder above this module with a package.json (src/web/ in the sources, dist/chunks/ in the build). */
function packageRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in a folder above ${here}`);
  }
}

/** dist/web/ of the package: Vite's output (web/vite.config.ts). */
export const WEB_ROOT = join(packageRoot(), 'dist', 'web');
const INDEX = join(WEB_ROOT, 'index.html');

const NOT_BUILT = 'The web app is not built: run `npm run build` (or `npm run build:web`), then reload this page.\n';

/** Vite's hashed files never change under their name; everything else is checked again each time. */
function cacheHeaders(res: { header(name: string, value: string): unknown }, path: string) {
  res.header('cache-control', path.includes(`${join(WEB_ROOT, 'assets')}/`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** A page of the app (no file extension in the path): index.html; anything else unknown is a 404. */
async function appPage(req: FastifyRequest, res: FastifyReply) {
  const path = req.url.split('?')[0];
  if ((req.method !== 'GET' && req.method !== 'HEAD') || extname(path) !== '') {
    return res.code(404).send({ error: 'not_found', message: `${path} not found` });
  }
  if (!existsSync(INDEX)) return res.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
  return res.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(readFileSync(INDEX));
}

/**
 * Serves the app under /app/ (and redirects / and /app there). Its security headers (a same-origin
 * CSP: no inline script or style, nothing from the internet) are the server's, set on every response.
 */
export async function webRoutes(app: FastifyInstance<any, any, any, any, any>): Promise<void> {
  // Encapsulated, so the static plugin's reply decorators do not clash with swagger-ui's copy, and
  // the app's page fallback is the not-found handler of /app/ only.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/',
      decorateReply: false,
      setHeaders: cacheHeaders,
    });
    scope.setNotFoundHandler(appPage);
  }, { prefix: '/app' });
  // The static prefix matches /app/… only: /app itself is redirected, its query string kept.
  app.get('/app', { schema: { hide: true } }, async (req, res) => res.redirect(`/app/${req.url.slice('/app'.length)}`, 301));
  app.get('/', { schema: { hide: true } }, async (_req, res) => res.redirect('/app/', 302));
}
