/**
 * Users, their facilities, log-in sessions and API tokens; and what an access check reads of an
 * order (the facilities of its items). Secrets are never stored: sessions and tokens by SHA-256.
 */
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { apiTokens, facilities, orderItems, sessions, userFacilities, users } from './schema';
import { queryRows } from './rows';

export type UserRow = typeof users.$inferSelect;

/** A user with the facilities it is bound to. */
export type UserWithFacilities = Omit<UserRow, 'passwordHash'> & { facilities: string[] };

/** What authenticates a request: the user behind a session or token, with its facilities. */
export interface CredentialOwner {
  userId: number;
  username: string;
  role: string;
  facilities: string[];
  /** The session's expiry. */
  expiresAt?: Date;
  /** The token's id. */
  tokenId?: number;
  /** When the session or token was last seen in use (null: never). */
  lastSeenAt: Date | null;
}

export async function insertUser(db: Db, row: { username: string; passwordHash: string | null; role: string }): Promise<UserRow> {
  const [u] = await db.insert(users).values(row).returning();
  return u;
}

export async function insertUserFacilities(db: Db, userId: number, facilityIds: string[]): Promise<void> {
  if (facilityIds.length) await db.insert(userFacilities).values(facilityIds.map((facilityId) => ({ userId, facilityId })));
}

/** A user by name, case-insensitively. */
export async function userByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  return u;
}

/** Every user with its facilities, by name. */
export async function userRows(db: Db): Promise<UserWithFacilities[]> {
  const r = await queryRows<UserWithFacilities>(db, sql`
    select u.id,
           u.username,
           u.role,
           u.disabled_at as "disabledAt",
           u.created_at as "createdAt",
           coalesce(array_agg(uf.facility_id order by uf.facility_id) filter (where uf.facility_id is not null), '{}') as facilities
    from users u
    left join user_facilities uf on uf.user_id = u.id
    group by u.id
    order by lower(u.username)`);
  return r.map((u) => ({ ...u, id: Number(u.id), createdAt: new Date(u.createdAt), disabledAt: u.disabledAt && new Date(u.disabledAt) }));
}

/** The facilities a user is bound to. */
export async function facilitiesOfUser(db: Db, userId: number): Promise<string[]> {
  const r = await db.select({ id: userFacilities.facilityId }).from(userFacilities)
    .where(eq(userFacilities.userId, userId)).orderBy(asc(userFacilities.facilityId));
  return r.map((x) => x.id);
}

/** Which of these facility ids exist. */
export async function existingFacilityIds(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const r = await db.select({ id: facilities.id }).from(facilities).where(inArray(facilities.id, ids));
  return r.map((x) => x.id);
}

/** Whether an admin that is not disabled exists. */
export async function activeAdminExists(db: Db): Promise<boolean> {
  const [u] = await db.select({ id: users.id }).from(users).where(and(eq(users.role, 'admin'), isNull(users.disabledAt))).limit(1);
  return Boolean(u);
}

/** Disables the user (once); returns whether it was enabled. */
export async function disableUserRow(tx: Tx, userId: number, at: Date): Promise<boolean> {
  const r = await tx.update(users).set({ disabledAt: at }).where(and(eq(users.id, userId), isNull(users.disabledAt))).returning({ id: users.id });
  return r.length > 0;
}

export async function insertSession(db: Db, row: { tokenHash: string; userId: number; expiresAt: Date; lastSeenAt: Date }): Promise<void> {
  await db.insert(sessions).values({ ...row, createdAt: row.lastSeenAt });
}

/** The enabled user of a session that has not expired at `now`. */
export async function sessionOwner(db: Db, tokenHash: string, now: Date): Promise<CredentialOwner | undefined> {
  const [r] = await queryRows<CredentialOwner>(db, sql`
    select u.id as "userId",
           u.username,
           u.role,
           s.expires_at as "expiresAt",
           s.last_seen_at as "lastSeenAt",
           coalesce((select array_agg(uf.facility_id order by uf.facility_id) from user_facilities uf where uf.user_id = u.id), '{}') as facilities
    from sessions s
    join users u on u.id = s.user_id
    where s.token_hash = ${tokenHash}
      and s.expires_at > ${now.toISOString()}::timestamptz
      and u.disabled_at is null`);
  return r && { ...r, userId: Number(r.userId), expiresAt: new Date(r.expiresAt!), lastSeenAt: new Date(r.lastSeenAt!) };
}

/** Moves a session's `last_seen_at` to `now` when it is older than `before`. */
export async function touchSession(db: Db, tokenHash: string, now: Date, before: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(and(eq(sessions.tokenHash, tokenHash), lt(sessions.lastSeenAt, before)));
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Removes a user's sessions that expired before `now`. */
export async function deleteExpiredSessionsOf(db: Db, userId: number, now: Date): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now)));
}

export type ApiTokenRow = Omit<typeof apiTokens.$inferSelect, 'tokenHash'>;

const tokenColumns = {
  id: apiTokens.id, userId: apiTokens.userId, name: apiTokens.name, createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt,
};

export async function insertApiToken(db: Db, row: { userId: number; name: string; tokenHash: string }): Promise<ApiTokenRow> {
  const [t] = await db.insert(apiTokens).values(row).returning(tokenColumns);
  return t;
}

/** The enabled user of a token that is not revoked. */
export async function tokenOwner(db: Db, tokenHash: string): Promise<CredentialOwner | undefined> {
  const [r] = await queryRows<CredentialOwner>(db, sql`
    select u.id as "userId",
           u.username,
           u.role,
           t.id as "tokenId",
           t.last_used_at as "lastSeenAt",
           coalesce((select array_agg(uf.facility_id order by uf.facility_id) from user_facilities uf where uf.user_id = u.id), '{}') as facilities
    from api_tokens t
    join users u on u.id = t.user_id
    where t.token_hash = ${tokenHash}
      and t.revoked_at is null
      and u.disabled_at is null`);
  return r && { ...r, userId: Number(r.userId), tokenId: Number(r.tokenId), lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt) : null };
}

/** Sets a token's `last_used_at` to `now` when it is unset or older than `before`. */
export async function touchToken(db: Db, id: number, now: Date, before: Date): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, before))));
}

/** Revokes a token that is not revoked yet; returns it, or undefined. */
export async function revokeTokenRow(db: Db, id: number, at: Date): Promise<ApiTokenRow | undefined> {
  const [t] = await db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning(tokenColumns);
  return t;
}

export async function apiTokenRow(db: Db, id: number): Promise<ApiTokenRow | undefined> {
  const [t] = await db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id));
  return t;
}

export async function revokeTokensOfUser(db: Db, userId: number, at: Date): Promise<void> {
  await db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
}

/** Tokens (never their hashes), newest first; of one user when given. */
export function apiTokenRows(db: Db, userId?: number): Promise<ApiTokenRow[]> {
  return db.select(tokenColumns).from(apiTokens).where(userId === undefined ? undefined : eq(apiTokens.userId, userId))
    .orderBy(sql`${apiTokens.id} desc`);
}

/** The facilities holding items of an order (what a store user's access to the order depends on). */
export async function orderFacilityIds(db: Db, orderId: string): Promise<string[]> {
  const r = await db.selectDistinct({ id: orderItems.facilityId }).from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), sql`${orderItems.facilityId} is not null`));
  return r.map((x) => x.id!).filter(Boolean);
}
