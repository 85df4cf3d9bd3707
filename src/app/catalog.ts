/** Products, facilities and inventory use cases; the writes take the caller's transaction (`Tx`). */
import { z } from 'zod';
import type { Db, Tx } from '../db/client';
import {
  facilityRow, facilityRows, productRow, productRows, upsertFacilityRow, upsertProductRow, type FacilityRow, type ProductRow,
} from '../db/catalog.repo';
import { adjustOnHand, insertVariance, readLevels, setOnHand, type LevelRow } from '../db/inventory.repo';
import { openItemsAt } from '../db/ops.repo';
import { newId } from '../domain/ids';
import { conflict, invalid, invalidField, notFound, type Failure } from '../domain/result';
import { lookupUsZip } from '../geo/zip';
import { formatIssues } from './order-input';

const id = z.string().trim().min(1).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

export const productSchema = z.object({
  id,
  sku: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  hazmat: z.boolean().default(false),
  sample: z.boolean().default(false),
  warehouseId: z.string().min(1).nullish(),
  netsuiteItemId: z.string().min(1).nullish(),
});

const zip5 = z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP');
export const facilitySchema = z.object({
  id,
  name: z.string().min(1),
  type: z.enum(['STORE', 'WAREHOUSE', 'VIRTUAL']),
  fulfillmentSystem: z.enum(['OMS', 'NETSUITE']).default('OMS'),
  netsuiteLocationId: z.string().min(1).nullish(),
  address1: z.string().nullish(), city: z.string().nullish(), state: z.string().nullish(),
  postalCode: z.string().nullish(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code').default('US'),
  market: z.string().nullish(),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  ranking: z.number().int().min(0).default(100),
  zipRanges: z.array(z.tuple([zip5, zip5])).default([]),
  accountingCodes: z.array(z.string().min(1)).default([]),
  active: z.boolean().default(true),
  dailyOrderLimit: z.number().int().positive().nullish(),
  safetyStock: z.number().int().min(0).default(0),
});

export type ProductInput = z.input<typeof productSchema>;
export type FacilityInput = z.input<typeof facilitySchema>;

/** Creates or replaces a product (its SKU and name default to its id). */
export async function upsertProduct(tx: Tx, raw: unknown): Promise<{ kind: 'ok'; product: ProductRow } | Failure> {
  const r = productSchema.safeParse(raw);
  if (!r.success) return invalid(formatIssues(r.error));
  const p = r.data;
  if (p.warehouseId && !(await facilityRow(tx, p.warehouseId))) return invalidField('warehouseId', `unknown facility ${p.warehouseId}`);
  const product = await upsertProductRow(tx, {
    id: p.id, sku: p.sku ?? p.id, name: p.name ?? p.id, hazmat: p.hazmat, sample: p.sample,
    warehouseId: p.warehouseId ?? null, netsuiteItemId: p.netsuiteItemId ?? null, autoCreated: false,
  });
  return { kind: 'ok', product };
}

/** Creates or replaces a facility; a US facility without coordinates gets its ZIP's. */
export async function upsertFacility(tx: Tx, raw: unknown): Promise<{ kind: 'ok'; facility: FacilityRow } | Failure> {
  const r = facilitySchema.safeParse(raw);
  if (!r.success) return invalid(formatIssues(r.error));
  const f = r.data;
  let { latitude, longitude } = f;
  if ((latitude == null || longitude == null) && f.country === 'US' && f.postalCode) {
    const p = lookupUsZip(f.postalCode);
    if (p) ({ latitude, longitude } = p);
  }
  const facility = await upsertFacilityRow(tx, { ...f, latitude: latitude ?? null, longitude: longitude ?? null, market: f.market ?? f.country });
  return { kind: 'ok', facility };
}

/** A page of products by id (at most 1,000). */
export const listProducts = (db: Db, limit = 100, offset = 0) => productRows(db, Math.min(limit, 1000), offset);
export const getProduct = (db: Db, pid: string) => productRow(db, pid);
export const listFacilities = (db: Db) => facilityRows(db);
export const getFacility = (db: Db, fid: string) => facilityRow(db, fid);

async function checkStockLocation(db: Db, productId: string, facilityId: string): Promise<Failure | null> {
  if (!(await getProduct(db, productId))) return notFound('product', productId);
  const f = await getFacility(db, facilityId);
  if (!f) return notFound('facility', facilityId);
  if (f.type === 'VIRTUAL') return invalidField('facilityId', `${facilityId} is a virtual facility and holds no stock`);
  return null;
}

/** The inventory level after a count or an adjustment. */
export type LevelResult = { kind: 'ok'; level: LevelRow } | Failure;

/** Sets on hand (a count); available-to-promise follows. */
export async function setInventory(tx: Tx, productId: string, facilityId: string, onHand: unknown, actor = 'api'): Promise<LevelResult> {
  if (typeof onHand !== 'number' || !Number.isInteger(onHand) || onHand < 0) return invalidField('onHand', 'must be a whole number ≥ 0');
  const bad = await checkStockLocation(tx, productId, facilityId);
  if (bad) return bad;
  await setOnHand(tx, productId, facilityId, onHand, actor);
  return { kind: 'ok', level: (await readLevels(tx, { productId, facilityId }))[0] };
}

/** Adjusts on hand by a signed delta with a reason; recorded as a variance. */
export async function adjustInventory(
  tx: Tx, productId: string, facilityId: string, delta: unknown, reason: unknown, actor = 'api',
): Promise<LevelResult> {
  const errs = [];
  if (typeof delta !== 'number' || !Number.isInteger(delta) || delta === 0) errs.push({ field: 'delta', message: 'must be a non-zero whole number' });
  if (typeof reason !== 'string' || !reason.trim()) errs.push({ field: 'reason', message: 'is required' });
  if (errs.length) return invalid(errs);
  const bad = await checkStockLocation(tx, productId, facilityId);
  if (bad) return bad;
  const r = await adjustOnHand(tx, { productId, facilityId, delta: delta as number, kind: 'VARIANCE', reason: reason as string, actor });
  if (!r) return invalidField('delta', 'would take on hand below zero');
  await insertVariance(tx, { id: newId('VAR'), productId, facilityId, reason: reason as string, quantity: delta as number });
  return { kind: 'ok', level: (await readLevels(tx, { productId, facilityId }))[0] };
}

/** Inventory levels with available-to-promise, by product and facility. */
export async function getAvailability(db: Db, filter: { productId?: string; facilityId?: string }) {
  return readLevels(db, filter);
}

export type StoreFacilityResult = { kind: 'ok'; facility: FacilityRow } | Failure;

/**
 * The facility a Store Fulfillment App call acts for: it must be a STORE whose items the OMS
 * fulfils. Unknown → not found; a warehouse, a virtual facility or a NetSuite-fulfilled store →
 * conflict naming its type (its items are handled by NetSuite's feeds or by brokering, not here).
 */
export async function storeFacility(db: Db, fid: string): Promise<StoreFacilityResult> {
  const f = await getFacility(db, fid);
  if (!f) return notFound('facility', fid);
  if (f.type !== 'STORE' || f.fulfillmentSystem !== 'OMS') {
    const what = f.type === 'STORE' ? 'a STORE fulfilled by NETSUITE' : `a ${f.type} (fulfilled by ${f.fulfillmentSystem})`;
    return conflict(`facility ${fid} is ${what}, not a store the OMS fulfils: its items cannot be packed, shipped or rejected here`);
  }
  return { kind: 'ok', facility: f };
}

/** Items at a store still to pack or ship (at most 1,000, by order). */
export const openItemsAtStore = (db: Db, facilityId: string) => openItemsAt(db, facilityId, 1000);
