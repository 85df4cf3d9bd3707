/**
 * Log-in, log-out, who am I, and API tokens. `POST /auth/login` sets the session cookie (HttpOnly,
 * SameSite=Strict, Path=/, Secure with `OMS_COOKIE_SECURE=true`) and is rate-limited per username
 * and client address (`OMS_LOGIN_RATE_LIMIT_MAX` per `OMS_LOGIN_RATE_LIMIT_WINDOW_SECONDS`).
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { inTransaction, principalOf, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access, SESSION_COOKIE } from '../auth';
import { createToken, listTokens, login, logout, revokeToken } from '../../app/auth';
import { GRANTS, type Principal } from '../../domain/access';
import { zKey, zSafeString } from '../../domain/limits';

/** What the API says of a principal: never a secret. */
export const publicPrincipal = (p: Principal) => ({ username: p.username, role: p.role, facilities: p.facilities, via: p.via });

const loginBody = z.object({ username: zSafeString(64, 1), password: zSafeString(1024, 1) });

/** Attempts are counted per (username, client address): one user cannot be locked out from everywhere. */
function loginKey(req: FastifyRequest): string {
  const name = (req.body as { username?: unknown } | undefined)?.username;
  return `${req.ip}|${typeof name === 'string' ? name.toLowerCase() : ''}`;
}

export function authRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  const now = () => ctx.clock?.() ?? new Date();
  const { OMS_LOGIN_RATE_LIMIT_MAX: max, OMS_LOGIN_RATE_LIMIT_WINDOW_SECONDS: windowSeconds } = ctx.config;
  app.post('/auth/login', {
    schema: { tags: ['auth'], summary: 'Log in: sets the session cookie and returns the user; 401 for a wrong name or password', body: loginBody },
    config: {
      ...access('public'),
      rateLimit: {
        max, timeWindow: windowSeconds * 1000, hook: 'preHandler', keyGenerator: loginKey,
        errorResponseBuilder: (_req, c) => Object.assign(
          new Error(`too many log-in attempts: at most ${c.max} in ${windowSeconds} s for this user from this address, retry in ${c.after}`),
          { statusCode: c.statusCode }),
      },
    },
  }, async (req, res) => {
    const r = await login(db, req.body.username, req.body.password, { hours: ctx.config.OMS_SESSION_HOURS, now: now() });
    if (r.kind === 'denied') return reply(res, { kind: 'unauthenticated', message: r.message }, () => null);
    res.setCookie(SESSION_COOKIE, r.secret, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: ctx.config.OMS_COOKIE_SECURE, expires: r.expiresAt,
    });
    return { user: publicPrincipal(r.user), expiresAt: r.expiresAt.toISOString() };
  });
  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End this session (its cookie is cleared)' }, config: access('user') },
    async (req, res) => {
      const secret = req.cookies[SESSION_COOKIE];
      if (principalOf(req).via === 'session' && secret) await logout(db, secret);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return { loggedOut: true };
    });
  app.get('/auth/me', { schema: { tags: ['auth'], summary: 'Who this request is, with the permissions of its role' }, config: access('user') },
    async (req) => {
      const p = principalOf(req);
      return { user: publicPrincipal(p), permissions: GRANTS[p.role] };
    });

  app.get('/auth/tokens', { schema: { tags: ['auth'], summary: 'API tokens (never their secrets)' }, config: access('users') },
    async () => ({ tokens: await listTokens(db) }));
  app.post('/auth/tokens', {
    schema: {
      tags: ['auth'], summary: "Create an API token of a user: the token is in this answer only (send it as 'Authorization: Bearer <token>')",
      body: z.object({ username: zKey(), name: zSafeString(100, 1) }),
    },
    config: access('users'),
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => createToken(tx, req.body.username, req.body.name));
    return reply(res, r, (x) => ({ ...x.token, token: x.secret }));
  });
  app.delete('/auth/tokens/:id', {
    schema: { tags: ['auth'], summary: 'Revoke an API token', params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) },
    config: access('users'),
  }, async (req, res) => reply(res, await revokeToken(db, req.params.id, now()), (x) => x.token));
}
