/** The bulk writes of the demo seed: stock rows and their ledger rows, many per statement. */
import { inArray } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { facilities, inventoryLedger, inventoryLevels } from './schema';

/** The first of these facilities that exists, or undefined. */
export async function firstExistingFacility(db: Db, ids: string[]): Promise<string | undefined> {
  const [found] = await db.select({ id: facilities.id }).from(facilities).where(inArray(facilities.id, ids)).limit(1);
  return found?.id;
}

/** A stock row to seed: product, facility, on hand. */
export type SeedStock = [productId: string, facilityId: string, onHand: number];

/** Inserts new inventory rows (nothing reserved). */
export async function insertSeedLevels(tx: Tx, rows: SeedStock[]): Promise<void> {
  await tx.insert(inventoryLevels).values(rows.map(([productId, facilityId, onHand]) => ({ productId, facilityId, onHand })));
}

/** Inserts a SET_ON_HAND ledger row for each stock row, with its whole on hand as the delta. */
export async function insertSeedLedgerRows(tx: Tx, rows: SeedStock[], reason: string, actor: string): Promise<void> {
  await tx.insert(inventoryLedger).values(rows.map(([productId, facilityId, onHand]) => ({
    productId, facilityId, kind: 'SET_ON_HAND', onHandDelta: onHand, reason, actor,
  })));
}
