/**
 * Users, log-in sessions and API tokens.
 *
 * - Passwords: scrypt (`node:crypto`) with a random 16-byte salt; the stored text carries its
 *   parameters (`scrypt$N$r$p$salt$hash`), so they can be raised later without breaking old
 *   hashes; compared with `timingSafeEqual`. A log-in of an unknown, disabled or token-only user
 *   hashes against a dummy of the same parameters, so it takes the same time as a wrong password.
 * - Sessions: a random 32-byte secret in the cookie, its SHA-256 in `sessions`; they end
 *   `OMS_SESSION_HOURS` after the log-in (or at log-out); `last_seen_at` moves at most once a minute.
 * - API tokens: `oms_` + 32 random bytes (base64url), shown once at creation, stored as SHA-256;
 *   revocable. Disabling a user ends its sessions and revokes its tokens.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db, Tx } from '../db/client';
import {
  activeAdminExists, apiTokenRow, apiTokenRows, deleteExpiredSessionsOf, deleteSession, deleteSessionsOfUser, disableUserRow,
  existingFacilityIds, facilitiesOfUser, insertApiToken, insertSession, insertUser, insertUserFacilities, orderFacilityIds,
  revokeTokenRow, revokeTokensOfUser, sessionOwner, tokenOwner, touchSession, touchToken, userByUsername, userRows,
  type ApiTokenRow, type CredentialOwner, type UserWithFacilities,
} from '../db/users.repo';
import { isRole, ROLES, type Principal, type Role } from '../domain/access';
import { conflict, invalid, notFound, type FieldError, type Failure } from '../domain/result';
import { textProblem } from '../domain/limits';

export type { ApiTokenRow, UserWithFacilities } from '../db/users.repo';

/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and some tens of milliseconds per hash. */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 32 } as const;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1024;
const TOUCH_EVERY_MS = 60_000;
export const TOKEN_PREFIX = 'oms_';

function scrypt(password: string, salt: Buffer, keyLength: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLength, o, (e, key) => (e ? reject(e) : resolve(key))));
}

const maxmem = (N: number, r: number) => 128 * N * r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = SCRYPT;
  const key = await scrypt(password, salt, keyLength, { N, r, p, maxmem: maxmem(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored` (a hash of `hashPassword`, any parameters). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (scheme !== 'scrypt' || ![N, R, P].every((x) => Number.isInteger(x) && x > 0) || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;
/** A hash no password matches in practice, computed once, for log-ins of users that cannot log in. */
const dummy = () => (dummyHash ??= hashPassword(randomBytes(24).toString('base64')));

/** SHA-256 (hex) of a session or token secret: what the database holds. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new random secret: 32 bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Whether two secrets are equal, in constant time. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(secretHash(a), 'hex'), Buffer.from(secretHash(b), 'hex'));
}

// ---------------------------------------------------------------- users

export interface NewUser {
  username: string;
  /** Null: the user cannot log in with a password (a machine client with API tokens only). */
  password: string | null;
  role: string;
  facilities?: string[];
}

function userProblems(u: NewUser): FieldError[] {
  const errors: FieldError[] = [];
  if (!USERNAME.test(u.username)) {
    errors.push({ field: 'username', message: '1 to 64 letters, digits or . _ @ - (starting with a letter or digit)' });
  }
  if (!isRole(u.role)) errors.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (u.password !== null && (u.password.length < PASSWORD_MIN || u.password.length > PASSWORD_MAX || textProblem(u.password))) {
    errors.push({ field: 'password', message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` });
  }
  const facilities = u.facilities ?? [];
  if (u.role === 'store' && !facilities.length) errors.push({ field: 'facilities', message: 'a store user needs at least one facility' });
  if (u.role !== 'store' && facilities.length) errors.push({ field: 'facilities', message: 'only a store user is bound to facilities' });
  return errors;
}

/** Creates a user (a store user with its facilities); 409 when the name is taken in any case. */
export async function createUser(tx: Tx, u: NewUser): Promise<{ kind: 'created'; user: UserWithFacilities } | Failure> {
  const problems = userProblems(u);
  if (problems.length) return invalid(problems);
  const facilities = [...new Set(u.facilities ?? [])].sort();
  const known = new Set(await existingFacilityIds(tx, facilities));
  const unknown = facilities.filter((f) => !known.has(f));
  if (unknown.length) return invalid([{ field: 'facilities', message: `unknown facility ${unknown.join(', ')}` }]);
  if (await userByUsername(tx, u.username)) return conflict(`username ${u.username} is already taken`);
  const passwordHash = u.password === null ? null : await hashPassword(u.password);
  const row = await insertUser(tx, { username: u.username, passwordHash, role: u.role });
  await insertUserFacilities(tx, row.id, facilities);
  const { passwordHash: _hash, ...user } = row;
  return { kind: 'created', user: { ...user, facilities } };
}

export const listUsers = (db: Db): Promise<UserWithFacilities[]> => userRows(db);

/** Disables a user: its sessions end and its tokens are revoked at once. */
export async function disableUser(
  tx: Tx, username: string, now = new Date(),
): Promise<{ kind: 'ok'; message: string } | { kind: 'noop'; message: string } | Failure> {
  const u = await userByUsername(tx, username);
  if (!u) return notFound('user', username);
  const changed = await disableUserRow(tx, u.id, now);
  await deleteSessionsOfUser(tx, u.id);
  await revokeTokensOfUser(tx, u.id, now);
  return changed ? { kind: 'ok', message: `user ${u.username} disabled` } : { kind: 'noop', message: `user ${u.username} was already disabled` };
}

/**
 * The first admin, from `OMS_ADMIN_USERNAME` / `OMS_ADMIN_PASSWORD`: created when no enabled admin
 * exists. A taken name of another role is refused (nothing is changed).
 */
export async function ensureAdmin(tx: Tx, username: string, password: string) {
  if (await activeAdminExists(tx)) return { kind: 'noop' as const, message: 'an admin exists' };
  return createUser(tx, { username, password, role: 'admin' });
}

// ---------------------------------------------------------------- sessions

const toPrincipal = (o: CredentialOwner, via: Principal['via']): Principal | undefined =>
  (isRole(o.role) ? { userId: o.userId, username: o.username, role: o.role as Role, facilities: o.facilities, via } : undefined);

export type LoginResult =
  | { kind: 'ok'; user: Principal; secret: string; expiresAt: Date }
  /** Unknown user, wrong password, disabled or token-only user: one answer for all. */
  | { kind: 'denied'; message: string };

/** Checks the password and opens a session of `hours`; the same work whether the user exists or not. */
export async function login(db: Db, username: string, password: string, o: { hours: number; now?: Date }): Promise<LoginResult> {
  const now = o.now ?? new Date();
  const u = await userByUsername(db, username);
  const usable = u && u.passwordHash && !u.disabledAt;
  const ok = await verifyPassword(password, usable ? u.passwordHash! : await dummy());
  if (!usable || !ok) return { kind: 'denied', message: 'wrong username or password' };
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + o.hours * 3_600_000);
  await deleteExpiredSessionsOf(db, u.id, now);
  await insertSession(db, { tokenHash: secretHash(secret), userId: u.id, expiresAt, lastSeenAt: now });
  const user = toPrincipal({ userId: u.id, username: u.username, role: u.role, facilities: await facilitiesOfUser(db, u.id), lastSeenAt: now }, 'session');
  return user ? { kind: 'ok', user, secret, expiresAt } : { kind: 'denied', message: 'wrong username or password' };
}

/** The principal of a session cookie's secret, if the session is live and its user enabled. */
export async function sessionPrincipal(db: Db, secret: string, now = new Date()): Promise<Principal | undefined> {
  const hash = secretHash(secret);
  const o = await sessionOwner(db, hash, now);
  if (!o) return undefined;
  if (!o.lastSeenAt || now.getTime() - o.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, hash, now, new Date(now.getTime() - TOUCH_EVERY_MS));
  }
  return toPrincipal(o, 'session');
}

export async function logout(db: Db, secret: string): Promise<void> {
  await deleteSession(db, secretHash(secret));
}

// ---------------------------------------------------------------- API tokens

/** The principal of an API token, if it is not revoked and its user is enabled. */
export async function tokenPrincipal(db: Db, token: string, now = new Date()): Promise<Principal | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const o = await tokenOwner(db, secretHash(token));
  if (!o) return undefined;
  if (!o.lastSeenAt || now.getTime() - o.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchToken(db, o.tokenId!, now, new Date(now.getTime() - TOUCH_EVERY_MS));
  }
  return toPrincipal(o, 'token');
}

export type CreatedToken = { kind: 'created'; token: ApiTokenRow & { username: string }; secret: string };

/** A new API token of `username`; its secret is in the result only, never stored. */
export async function createToken(tx: Tx, username: string, name: string): Promise<CreatedToken | Failure> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100 || textProblem(trimmed)) return invalid([{ field: 'name', message: 'must be 1 to 100 characters' }]);
  const u = await userByUsername(tx, username);
  if (!u) return notFound('user', username, 'username');
  if (u.disabledAt) return conflict(`user ${u.username} is disabled`);
  const secret = `${TOKEN_PREFIX}${newSecret()}`;
  const token = await insertApiToken(tx, { userId: u.id, name: trimmed, tokenHash: secretHash(secret) });
  return { kind: 'created', token: { ...token, username: u.username }, secret };
}

/** Revokes a token; a revoked one is a no-op. */
export async function revokeToken(
  db: Db, id: number, now = new Date(),
): Promise<{ kind: 'ok'; token: ApiTokenRow } | { kind: 'noop'; message: string } | Failure> {
  const token = await revokeTokenRow(db, id, now);
  if (token) return { kind: 'ok', token };
  return (await apiTokenRow(db, id)) ? { kind: 'noop', message: `token ${id} was already revoked` } : notFound('token', String(id));
}

export const listTokens = (db: Db): Promise<ApiTokenRow[]> => apiTokenRows(db);

// ---------------------------------------------------------------- access checks

/** The facilities holding an order's items: what a store user's access to the order depends on. */
export const facilitiesOfOrder = (db: Db, orderId: string): Promise<string[]> => orderFacilityIds(db, orderId);
