/**
 * Who calls, and may they: every request but the public ones is authenticated here and checked
 * against its route's rule (`config: { access }`, src/domain/access.ts), in one `onRequest` hook:
 *
 * 1. `Host` must be one this server answers to (`OMS_ALLOWED_HOSTS`; default localhost,
 *    127.0.0.1, [::1] and `HOST`): else 421 (Node itself answers 400 without `Host`). `/health` is exempt
 *    (probes name the pod's address).
 * 2. The principal: `Authorization: Bearer <token>` (an API token, or the local credential the
 *    server wrote into its owner lock for the CLI on this host), else the session cookie.
 * 3. Cross-site requests: a state-changing request without a Bearer token (a session cookie, or the
 *    log-in itself) must be `application/json` (415 otherwise, body-less POSTs included) and come
 *    from this origin: its `Origin` (else `Sec-Fetch-Site: same-origin`) must name this host (403).
 *    A cookie request carrying neither header is refused; a log-in without them (not a browser) is not.
 * 4. The decision: 401 without a principal, 403 for a role without the route's permission, 404
 *    (the unknown-record answer) for a store user asking about another facility or an order with no
 *    item at theirs.
 *
 * A route without a rule fails at registration, except the web shell (`/`, `/app…`) and `/docs…`,
 * which are public.
 */
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { decide, needsOrderFacilities, type AccessRule, type Principal } from '../domain/access';
import { notFound } from '../domain/result';
import { facilitiesOfOrder, sameSecret, sessionPrincipal, tokenPrincipal } from '../app/auth';
import type { App, HttpContext } from './context';
import { reply, type Refusal } from './errors';

export const SESSION_COOKIE = 'oms_session';

/** Rule shorthands for the route options: `config: access('orders:read', { order: 'id' })`. */
export const access = (need: AccessRule['need'], more: Omit<AccessRule, 'need'> = {}) => ({ access: { need, ...more } });
export const PUBLIC: AccessRule = { need: 'public' };

/** Routes registered by plugins without a rule that are public: the web shell and the API docs. */
const PUBLIC_URLS = [/^\/$/, /^\/app(\/|$)/, /^\/docs(\/|$)/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A route and its rule, as registered. */
export interface RouteAccess { method: string; url: string; access: AccessRule }
const tables = new WeakMap<object, RouteAccess[]>();

/** Every route of `app` with its rule (HEAD routes included), in registration order. */
export function routeAccess(app: App): readonly RouteAccess[] {
  return tables.get(app) ?? [];
}

/** The host names allowed in `Host`, lower case, without port. */
export function allowedHosts(config: HttpContext['config']): Set<string> {
  return new Set(config.OMS_ALLOWED_HOSTS ?? ['localhost', '127.0.0.1', '[::1]', config.HOST.toLowerCase()]);
}

/** `Host: example.com:3000` → `example.com`; `[::1]:3000` → `[::1]`. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d*$/, '');
}

function hostRefusal(req: FastifyRequest, hosts: Set<string>): Refusal | undefined {
  const host = req.headers.host;
  if (!host) return { kind: 'misdirected', message: 'the request has no Host header' };
  if (!hosts.has(hostName(host))) {
    return { kind: 'misdirected', message: `this server does not answer to host ${hostName(host)} (OMS_ALLOWED_HOSTS)` };
  }
  return undefined;
}

const isJson = (req: FastifyRequest) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';

/** Whether `origin` (`http://localhost:3000`) names the `Host` of the request (default ports as URL writes them). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    const o = new URL(origin);
    return Boolean(host) && (o.protocol === 'http:' || o.protocol === 'https:') && o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** Why a state-changing request is taken as cross-site, if it is; `strict`: a request carrying neither header is too. */
function crossSite(req: FastifyRequest, strict: boolean): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) return sameHost(origin, req.headers.host) ? undefined : `its Origin (${origin.slice(0, 100)}) is not this server`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : `it is ${String(site).slice(0, 20)} (Sec-Fetch-Site), not same-origin`;
  return strict ? 'it carries neither Origin nor Sec-Fetch-Site' : undefined;
}

function csrfRefusal(req: FastifyRequest, session: boolean): Refusal | undefined {
  if (!UNSAFE.has(req.method)) return undefined;
  const why = crossSite(req, session);
  if (why) return { kind: 'forbidden', message: `cross-site request refused: ${why}` };
  if (!isJson(req)) {
    return { kind: 'unsupported_media_type', message: 'a request with a session cookie must be application/json (send {} when there is no body)' };
  }
  return undefined;
}

const bearerOf = (req: FastifyRequest): string | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
};

/** The hook's work for one request; a refusal to send, or undefined to go on. */
async function check(ctx: HttpContext, hosts: Set<string>, req: FastifyRequest): Promise<Refusal | ReturnType<typeof notFound> | undefined> {
  const rule = req.routeOptions.config?.access;
  if (req.routeOptions.url !== '/health') {
    const bad = hostRefusal(req, hosts);
    if (bad) return bad;
  }
  if (!rule) return undefined; // no route matched: the 404 handler answers
  const now = ctx.clock?.() ?? new Date();
  const db = ctx.database.db;
  const bearer = bearerOf(req);
  const secret = bearer === undefined ? req.cookies[SESSION_COOKIE] : undefined;
  if (rule.need !== 'public') {
    if (bearer !== undefined) {
      req.principal = ctx.localCredential && sameSecret(bearer, ctx.localCredential) ? LOCAL : await tokenPrincipal(db, bearer, now);
    } else if (secret) {
      req.principal = await sessionPrincipal(db, secret, now);
    }
  }
  if (bearer === undefined && (req.principal || rule.need === 'public')) {
    const bad = csrfRefusal(req, Boolean(req.principal));
    if (bad) return bad;
  }
  return decision(ctx, req, rule);
}

/** The local CLI of the server's host (the credential of the owner lock): an admin named `cli`. */
const LOCAL: Principal = { userId: null, username: 'cli', role: 'admin', facilities: [], via: 'local' };

async function decision(ctx: HttpContext, req: FastifyRequest, rule: AccessRule) {
  const params = (req.params ?? {}) as Record<string, string | undefined>;
  const orderId = rule.order ? params[rule.order] : undefined;
  const orderFacilityIds = orderId !== undefined && needsOrderFacilities(req.principal, rule)
    ? await facilitiesOfOrder(ctx.database.db, orderId) : undefined;
  const d = decide(req.principal, rule, { facilityId: rule.facility ? params[rule.facility] : undefined, orderId, orderFacilityIds });
  if (d.kind === 'allow') return undefined;
  // A 404 is the answer an unknown record gets from the route itself.
  if (d.status === 404) return d.what === 'order' && rule.item ? notFound('order item', `${d.id}/${params[rule.item]}`) : notFound(d.what, d.id);
  return { kind: d.status === 401 ? 'unauthenticated' : 'forbidden', message: d.message } satisfies Refusal;
}

/** Registers the cookie parser, the rule check of every route and the request hook; call before adding routes. */
export async function authenticate(app: App, ctx: HttpContext): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', undefined);
  const table: RouteAccess[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route: RouteOptions) => {
    let rule = route.config?.access;
    if (!rule) {
      if (!PUBLIC_URLS.some((u) => u.test(route.url))) {
        throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no access rule (config.access): every route must`);
      }
      rule = PUBLIC;
      route.config = { ...route.config, access: rule };
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: rule });
  });
  const hosts = allowedHosts(ctx.config);
  app.addHook('onRequest', async (req: FastifyRequest, res: FastifyReply) => {
    const refusal = await check(ctx, hosts, req);
    if (refusal) return reply(res, refusal, () => null);
  });
}
