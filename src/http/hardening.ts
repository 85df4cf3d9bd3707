/**
 * What every response and every route gets before the routes are added: security headers
 * (helmet, with a same-origin CSP that the Store Fulfillment App and the Swagger UI work under),
 * rate limits per client (IP) and the body limit of each route, both from one table of route rules.
 *
 * | routes | rate limit | body limit |
 * |---|---|---|
 * | `/health`, `/metrics`, `/docs…`, `/app…`, `/` | none (probes, static files) | default |
 * | `POST /orders` | write | `OMS_ORDER_BODY_LIMIT_BYTES` |
 * | a POST with `import` in its path | write | `OMS_IMPORT_BODY_LIMIT_BYTES` |
 * | any other POST, PUT, PATCH, DELETE | write (`OMS_RATE_LIMIT_WRITE_MAX`, per route) | default |
 * | the other API routes | `OMS_RATE_LIMIT_MAX`, one budget shared by them | default (`OMS_BODY_LIMIT_BYTES`) |
 *
 * A route that declares its own `bodyLimit` or `config.rateLimit` keeps it.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import type { Config } from '../config';
import type { App } from './context';

type Tier = 'api' | 'write' | 'off';
type BodyKind = 'order' | 'import';

/** First match wins; matched against `METHOD /url` of the route. */
const ROUTE_RULES: { match: RegExp; tier: Tier; body?: BodyKind }[] = [
  { match: /^\w+ \/(health|metrics)$/, tier: 'off' },
  { match: /^\w+ \/(docs|app)(\/|$)/, tier: 'off' },
  { match: /^\w+ \/$/, tier: 'off' },
  { match: /^POST \/orders$/, tier: 'write', body: 'order' },
  { match: /^POST \S*import/, tier: 'write', body: 'import' },
  { match: /^(POST|PUT|PATCH|DELETE) /, tier: 'write' },
];

/** The rule of a route, by its first method and its URL. */
export function routeRule(method: string | string[], url: string): { tier: Tier; body?: BodyKind } {
  const key = `${(Array.isArray(method) ? method[0] : method).toUpperCase()} ${url}`;
  const rule = ROUTE_RULES.find((r) => r.match.test(key));
  return !rule ? { tier: 'api' } : rule.body ? { tier: rule.tier, body: rule.body } : { tier: rule.tier };
}

const SAME_ORIGIN = {
  defaultSrc: ["'self'"], scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'], connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
/** The Swagger UI (React) sets style attributes; its scripts and styles are files of this server. */
const DOCS = { ...SAME_ORIGIN, styleSrc: ["'self'", "'unsafe-inline'"] };

/** Registers the route rules, helmet and the rate limiter on `app`; call before adding routes. */
export async function harden(app: App, config: Config): Promise<void> {
  const bodyLimits: Record<BodyKind, number> = { order: config.OMS_ORDER_BODY_LIMIT_BYTES, import: config.OMS_IMPORT_BODY_LIMIT_BYTES };
  const timeWindow = config.OMS_RATE_LIMIT_WINDOW_SECONDS * 1000;
  // Added before the plugins, so their own onRoute hooks see what it sets.
  app.addHook('onRoute', (route: RouteOptions & { helmet?: unknown }) => {
    const rule = routeRule(route.method, route.url);
    if (rule.body && route.bodyLimit === undefined) route.bodyLimit = bodyLimits[rule.body];
    if (route.url.startsWith('/docs') && route.helmet === undefined) route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: DOCS } };
    if (route.config && 'rateLimit' in route.config) return;
    const off = rule.tier === 'off' || config.OMS_RATE_LIMIT_MAX === 0 || (rule.tier === 'write' && config.OMS_RATE_LIMIT_WRITE_MAX === 0);
    const rate = off ? false : rule.tier === 'write' ? { max: config.OMS_RATE_LIMIT_WRITE_MAX, timeWindow } : undefined;
    if (rate !== undefined) route.config = { ...route.config, rateLimit: rate };
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: SAME_ORIGIN },
  });
  await app.register(rateLimit, {
    global: config.OMS_RATE_LIMIT_MAX > 0,
    max: config.OMS_RATE_LIMIT_MAX,
    timeWindow,
    errorResponseBuilder: (_req, c) => {
      const message = `rate limit exceeded: at most ${c.max} requests in ${config.OMS_RATE_LIMIT_WINDOW_SECONDS} s, retry in ${c.after}`;
      return Object.assign(new Error(message), { statusCode: c.statusCode });
    },
  });
}
