/** Routing profiles and the history of their changes. */
import { asc, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { routingProfileHistory, routingProfiles } from './schema';

export type RoutingProfileRow = typeof routingProfiles.$inferSelect;
export type RoutingProfileHistoryRow = typeof routingProfileHistory.$inferSelect;

/** What a history entry records of a profile, before and after a change. */
export interface ProfileSnapshot {
  name: string;
  salesChannel: string | null;
  settings: unknown;
  /** Why the change was made (the editor's comment), on the `after` side of a history row. */
  comment?: string;
}

/** Every profile, by id. */
export function listRoutingProfiles(db: Db): Promise<RoutingProfileRow[]> {
  return db.select().from(routingProfiles).orderBy(asc(routingProfiles.id));
}

export async function findRoutingProfile(db: Db, id: string): Promise<RoutingProfileRow | undefined> {
  const [p] = await db.select().from(routingProfiles).where(eq(routingProfiles.id, id));
  return p;
}

/** Reads a profile and locks its row (when it exists) until the transaction ends. */
export async function lockRoutingProfile(tx: Tx, id: string): Promise<RoutingProfileRow | undefined> {
  const [p] = await tx.select().from(routingProfiles).where(eq(routingProfiles.id, id)).for('update');
  return p;
}

/** The id of the profile of a sales channel, if one has it. */
export async function profileIdOfChannel(db: Db, salesChannel: string): Promise<string | undefined> {
  const [p] = await db.select({ id: routingProfiles.id }).from(routingProfiles).where(eq(routingProfiles.salesChannel, salesChannel));
  return p?.id;
}

/** Creates a profile or replaces every column of it; commits with its history entry. */
export async function upsertRoutingProfile(tx: Tx, row: RoutingProfileRow): Promise<void> {
  await tx.insert(routingProfiles).values(row).onConflictDoUpdate({ target: routingProfiles.id, set: row });
}

/** Records a change of a profile (`before` is null for a new one); commits with the change. */
export async function insertProfileHistory(
  tx: Tx,
  entry: { profileId: string; actor: string; before: ProfileSnapshot | null; after: ProfileSnapshot },
): Promise<void> {
  await tx.insert(routingProfileHistory).values(entry);
}

/** A profile's changes, newest first. */
export function listProfileHistory(db: Db, profileId: string): Promise<RoutingProfileHistoryRow[]> {
  return db.select().from(routingProfileHistory).where(eq(routingProfileHistory.profileId, profileId)).orderBy(desc(routingProfileHistory.id));
}
