/**
 * Authenticated calls for tests: a user of a role (an admin by default) with an API token, created
 * in the test database through the same use cases as the API, and `inject` / `fetch` that send it
 * as `Authorization: Bearer`. Token users have no password (no scrypt work per test file).
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { Db } from '../../src/db/client';
import { createToken, createUser } from '../../src/app/auth';
import type { Role } from '../../src/domain/access';

export interface TestUser { username: string; token: string; headers: { authorization: string } }

/** A new user of `role` (a store user bound to `facilities`) and an API token of it. */
export async function testUser(db: Db, role: Role = 'admin', facilities: string[] = [], username?: string): Promise<TestUser> {
  const name = username ?? `test-${role}-${randomBytes(4).toString('hex')}`;
  return db.transaction(async (tx) => {
    const u = await createUser(tx, { username: name, password: null, role, facilities });
    if (u.kind !== 'created') throw new Error(`test user ${name}: ${u.message}`);
    const t = await createToken(tx, name, 'tests');
    if (t.kind !== 'created') throw new Error(`test token of ${name}: ${t.message}`);
    return { username: name, token: t.secret, headers: { authorization: `Bearer ${t.secret}` } };
  });
}

/** A new admin with a token. */
export const testAdmin = (db: Db, username?: string) => testUser(db, 'admin', [], username);

interface Injector { inject(opts: InjectOptions): Promise<any> }

/** `app.inject` with the user's token (headers given by the caller win). */
export function injectAs<A extends Injector>(app: A, user: Pick<TestUser, 'headers'>) {
  return (opts: InjectOptions) => app.inject({ ...opts, headers: { ...user.headers, ...(opts.headers ?? {}) } });
}

/** `fetch` with the user's token (headers given by the caller win). */
export function fetchAs(user: Pick<TestUser, 'headers'>) {
  return (url: string | URL, init: RequestInit = {}) =>
    fetch(url, { ...init, headers: { ...user.headers, ...Object.fromEntries(new Headers(init.headers).entries()) } });
}

/**
 * Makes every `app.inject({...})` of this server send the user's token (a call that sets its own
 * `authorization` keeps it): how the tests written before authentication call the API as an admin.
 */
export function injectWithToken<A extends Injector>(app: A, user: Pick<TestUser, 'headers'>): A {
  const inject = app.inject.bind(app);
  (app as { inject: Injector['inject'] }).inject = (opts: InjectOptions) => inject({ ...opts, headers: { ...user.headers, ...(opts.headers ?? {}) } });
  return app;
}

/** A new admin's token on this server (`username`: its name, else a random one): `app.inject` sends it from now on. */
export async function authorizeAsAdmin<A extends Injector>(app: A, db: Db, username?: string): Promise<A> {
  return injectWithToken(app, await testAdmin(db, username));
}
