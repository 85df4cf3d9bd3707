/** Products and facilities: the catalog the orders, the stock and the routing refer to. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { facilities, products } from './schema';

export type ProductRow = typeof products.$inferSelect;
export type FacilityRow = typeof facilities.$inferSelect;

/** Creates the product or replaces every column of the one with its id. */
export async function upsertProductRow(db: Db, row: typeof products.$inferInsert): Promise<ProductRow> {
  const [saved] = await db.insert(products).values(row).onConflictDoUpdate({ target: products.id, set: row }).returning();
  return saved;
}

/** Creates the facility or replaces every column of the one with its id. */
export async function upsertFacilityRow(db: Db, row: typeof facilities.$inferInsert): Promise<FacilityRow> {
  const [saved] = await db.insert(facilities).values(row).onConflictDoUpdate({ target: facilities.id, set: row }).returning();
  return saved;
}

/** A page of products by id. */
export function productRows(db: Db, limit: number, offset: number): Promise<ProductRow[]> {
  return db.select().from(products).orderBy(asc(products.id)).limit(limit).offset(offset);
}

export async function productRow(db: Db, id: string): Promise<ProductRow | undefined> {
  const [p] = await db.select().from(products).where(eq(products.id, id));
  return p;
}

/** A page of facilities by id, the virtual ones included. */
export function facilityRows(db: Db, limit: number, offset: number): Promise<FacilityRow[]> {
  return db.select().from(facilities).orderBy(asc(facilities.id)).limit(limit).offset(offset);
}

export async function facilityRow(db: Db, id: string): Promise<FacilityRow | undefined> {
  const [f] = await db.select().from(facilities).where(eq(facilities.id, id));
  return f;
}

/** The ids among `ids` that name a product. */
export async function existingProductIds(db: Db, ids: string[]): Promise<Set<string>> {
  const found = await db.select({ id: products.id }).from(products).where(inArray(products.id, ids));
  return new Set(found.map((p) => p.id));
}

/** The id of the product holding `sku`, if any. */
export async function productIdBySku(db: Db, sku: string): Promise<string | undefined> {
  const [p] = await db.select({ id: products.id }).from(products).where(eq(products.sku, sku));
  return p?.id;
}

/** The SKUs among `skus` that a product already holds. */
export async function takenSkus(db: Db, skus: string[]): Promise<Set<string>> {
  const found = await db.select({ sku: products.sku }).from(products).where(inArray(products.sku, skus));
  return new Set(found.map((p) => p.sku));
}

/** Inserts products created on the fly by an order; a product created meanwhile is left alone. */
export async function insertAutoCreatedProducts(db: Db, rows: { id: string; sku: string; name: string }[]): Promise<void> {
  await db.insert(products).values(rows.map((r) => ({ ...r, autoCreated: true }))).onConflictDoNothing({ target: products.id });
}
