/**
 * The inventory list of the operations console: a page of levels (on hand, reserved, safety stock,
 * available-to-promise by product and facility), each with its product's assigned warehouse (the
 * one "Assign Warehouse by Product" routes to), read in one more statement for the whole page.
 */
import type { Db } from '../db/client';
import { loadProducts } from '../db/brokering.repo';
import type { PageQuery } from '../domain/paging';
import { listInventory } from './catalog';

export async function inventoryPage(db: Db, filter: { productId?: string; facilityId?: string | readonly string[] } & Partial<PageQuery>) {
  const page = await listInventory(db, filter);
  const ids = [...new Set(page.rows.map((r) => r.productId))];
  const warehouses = new Map((ids.length ? await loadProducts(db, ids) : []).map((p) => [p.id, p.warehouseId ?? null]));
  return { rows: page.rows.map((r) => ({ ...r, assignedWarehouseId: warehouses.get(r.productId) ?? null })), nextOffset: page.nextOffset };
}
