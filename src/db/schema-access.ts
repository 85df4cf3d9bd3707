/** The access tables: users, the facilities of store users, log-in sessions and API tokens. */
import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

/** People and machine clients of the API. `role`: admin | operations | store | integration. */
export const users = pgTable('users', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  username: text('username').notNull(),
  /** scrypt hash with its parameters and salt (`scrypt$N$r$p$salt$hash`); null: no password log-in (token only). */
  passwordHash: text('password_hash'),
  role: text('role').notNull(),
  disabledAt: ts('disabled_at'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('users_username_uq').on(sql`lower(${t.username})`),
  check('users_role_ck', sql`${t.role} in ('admin', 'operations', 'store', 'integration')`),
]);

/** The facilities a store user works at. */
export const userFacilities = pgTable('user_facilities', {
  userId: integer('user_id').notNull(),
  facilityId: text('facility_id').notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.facilityId] })]);

/** Log-in sessions (cookie); the cookie holds the secret, the table its SHA-256. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: integer('user_id').notNull(),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
}, (t) => [index('sessions_user_idx').on(t.userId)]);

/** API tokens (`Authorization: Bearer`), shown once at creation; stored as SHA-256, revocable. */
export const apiTokens = pgTable('api_tokens', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: integer('user_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: createdAt(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
}, (t) => [
  uniqueIndex('api_tokens_hash_uq').on(t.tokenHash),
  index('api_tokens_user_idx').on(t.userId),
]);
