/** Products, facilities and inventory use cases; the writes take the caller's transaction (`Tx`). */
import { z } from 'zod';
import type { Db, Tx } from '../db/client';
import {
  facilityRow, facilityRows, productIdBySku, productRow, productRows, upsertFacilityRow, upsertProductRow, type FacilityRow, type ProductRow,
} from '../db/catalog.repo';
import { adjustOnHand, insertVariance, readLevels, setOnHand, type LevelRow } from '../db/inventory.repo';
import { newId } from '../domain/ids';
import { conflict, illegal, invalid, invalidField, notFound, type Failure } from '../domain/result';
import { lookupUsZip } from '../geo/zip';
import { formatIssues } from './order-input';
import { INT4_MAX, LIMITS, textProblem, zInteger, zKey, zShortText } from '../domain/limits';
import { VIRTUAL_FACILITIES } from '../db/reference-data';
import { boundedPage, pageOf, readAhead, type Page, type PageQuery } from '../domain/paging';

const FACILITY_TYPES = ['STORE', 'WAREHOUSE', 'VIRTUAL'] as const;

const id = zKey().trim().min(1, 'must not be empty').regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
const name = zShortText().min(1, 'must not be empty');
const stockCount = (min: number) => zInteger(min, INT4_MAX);

export const productSchema = z.object({
  id,
  sku: zKey().optional(),
  name: name.optional(),
  hazmat: z.boolean().default(false),
  sample: z.boolean().default(false),
  warehouseId: zKey().nullish(),
  netsuiteItemId: zKey().nullish(),
});

const zip5 = z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP');
const listOf = <T extends z.ZodType>(item: T) =>
  z.array(item).max(LIMITS.facilityListItems, `must hold at most ${LIMITS.facilityListItems} entries`);
export const facilitySchema = z.object({
  id,
  name,
  type: z.enum(FACILITY_TYPES),
  fulfillmentSystem: z.enum(['OMS', 'NETSUITE']).default('OMS'),
  netsuiteLocationId: zKey().nullish(),
  address1: zShortText().nullish(), city: zShortText().nullish(), state: zShortText().nullish(),
  postalCode: zShortText().nullish(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code').default('US'),
  market: zShortText().nullish(),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  ranking: stockCount(0).default(100),
  zipRanges: listOf(z.tuple([zip5, zip5]).refine(([lo, hi]) => lo <= hi, 'must be [from, to] with from ≤ to')).default([]),
  accountingCodes: listOf(zKey()).default([]),
  active: z.boolean().default(true),
  dailyOrderLimit: stockCount(1).nullish(),
  safetyStock: zInteger(0, LIMITS.stockMax).default(0),
});

export type ProductInput = z.input<typeof productSchema>;
export type FacilityInput = z.input<typeof facilitySchema>;

/** Creates or replaces a product (its SKU and name default to its id); the SKU is unique, the warehouse an active one. */
export async function upsertProduct(tx: Tx, raw: unknown): Promise<{ kind: 'ok'; product: ProductRow } | Failure> {
  const r = productSchema.safeParse(raw);
  if (!r.success) return invalid(formatIssues(r.error));
  const p = r.data;
  if (p.warehouseId) {
    const w = await facilityRow(tx, p.warehouseId);
    if (!w) return invalidField('warehouseId', `unknown facility ${p.warehouseId}`);
    if (w.type !== 'WAREHOUSE' || !w.active) {
      return invalidField('warehouseId', `${p.warehouseId} is ${w.active ? `a ${w.type}` : 'inactive'}: it must be an active warehouse`);
    }
  }
  const sku = p.sku ?? p.id;
  const holder = await productIdBySku(tx, sku);
  if (holder !== undefined && holder !== p.id) return conflict(`sku: ${sku} is already the SKU of product ${holder}`);
  const product = await upsertProductRow(tx, {
    id: p.id, sku, name: p.name ?? p.id, hazmat: p.hazmat, sample: p.sample,
    warehouseId: p.warehouseId ?? null, netsuiteItemId: p.netsuiteItemId ?? null, autoCreated: false,
  });
  return { kind: 'ok', product };
}

const RESERVED_FACILITIES: ReadonlyMap<string, string> = new Map(VIRTUAL_FACILITIES.map((f) => [f.id, f.name]));

/** Creates or replaces a facility; a US facility without coordinates gets its ZIP's. The reserved virtual ones stay virtual. */
export async function upsertFacility(tx: Tx, raw: unknown): Promise<{ kind: 'ok'; facility: FacilityRow } | Failure> {
  const r = facilitySchema.safeParse(raw);
  if (!r.success) return invalid(formatIssues(r.error));
  const f = r.data;
  const reserved = RESERVED_FACILITIES.get(f.id);
  if (reserved && (f.type !== 'VIRTUAL' || !f.active)) {
    const field = f.type !== 'VIRTUAL' ? 'type' : 'active';
    return illegal(`${field}: ${f.id} (${reserved}) is a reserved facility: it stays an active VIRTUAL facility`, field);
  }
  let { latitude, longitude } = f;
  if ((latitude == null || longitude == null) && f.country === 'US' && f.postalCode) {
    const p = lookupUsZip(f.postalCode);
    if (p) ({ latitude, longitude } = p);
  }
  const facility = await upsertFacilityRow(tx, { ...f, latitude: latitude ?? null, longitude: longitude ?? null, market: f.market ?? f.country });
  return { kind: 'ok', facility };
}

/** The largest page of a catalog list, and its default. */
const PAGE_MAX = 1000, PAGE_DEFAULT = 100;

/** A page of products by id (at most 1,000, default 100). */
export async function listProducts(db: Db, q: Partial<PageQuery> = {}): Promise<Page<ProductRow>> {
  const page = boundedPage(q, PAGE_MAX, PAGE_DEFAULT);
  const ahead = readAhead(page);
  return pageOf(await productRows(db, ahead.limit, ahead.offset), page);
}
export const getProduct = (db: Db, pid: string) => productRow(db, pid);
/** A page of facilities by id, the virtual ones included (at most 1,000, default 100). */
export async function listFacilities(db: Db, q: Partial<PageQuery> = {}): Promise<Page<FacilityRow>> {
  const page = boundedPage(q, PAGE_MAX, PAGE_DEFAULT);
  const ahead = readAhead(page);
  return pageOf(await facilityRows(db, ahead.limit, ahead.offset), page);
}
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
  if (typeof onHand !== 'number' || !Number.isInteger(onHand) || onHand < 0 || onHand > LIMITS.stockMax) {
    return invalidField('onHand', `must be a whole number from 0 to ${LIMITS.stockMax}`);
  }
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
  if (typeof delta !== 'number' || !Number.isInteger(delta) || delta === 0 || Math.abs(delta) > LIMITS.stockMax) {
    errs.push({ field: 'delta', message: `must be a non-zero whole number from -${LIMITS.stockMax} to ${LIMITS.stockMax}` });
  }
  const reasonProblem = typeof reason !== 'string' || !reason.trim() ? 'is required' : reasonTextProblem(reason);
  if (reasonProblem) errs.push({ field: 'reason', message: reasonProblem });
  if (errs.length) return invalid(errs);
  const bad = await checkStockLocation(tx, productId, facilityId);
  if (bad) return bad;
  const [current] = await readLevels(tx, { productId, facilityId });
  if ((current?.onHand ?? 0) + (delta as number) > LIMITS.stockMax) return invalidField('delta', `would take on hand above ${LIMITS.stockMax}`);
  const r = await adjustOnHand(tx, { productId, facilityId, delta: delta as number, kind: 'VARIANCE', reason: reason as string, actor });
  if (!r) return invalidField('delta', 'would take on hand below zero');
  await insertVariance(tx, { id: newId('VAR'), productId, facilityId, reason: reason as string, quantity: delta as number });
  return { kind: 'ok', level: (await readLevels(tx, { productId, facilityId }))[0] };
}

/** Why an adjustment's reason cannot be stored, if it cannot. */
function reasonTextProblem(reason: string): string | undefined {
  return textProblem(reason) ?? (reason.length > LIMITS.idLength ? `must be at most ${LIMITS.idLength} characters` : undefined);
}

/** Inventory levels with available-to-promise of a product, a facility, or one product at one facility. */
export async function getAvailability(db: Db, filter: { productId?: string; facilityId?: string }): Promise<LevelRow[]> {
  return readLevels(db, filter);
}

/** A page of inventory levels with available-to-promise, by product and facility (at most 1,000, default 100). */
export async function listInventory(
  db: Db, filter: { productId?: string; facilityId?: string | readonly string[] } & Partial<PageQuery> = {},
): Promise<Page<LevelRow>> {
  const page = boundedPage(filter, PAGE_MAX, PAGE_DEFAULT);
  return pageOf(await readLevels(db, { productId: filter.productId, facilityId: filter.facilityId }, readAhead(page)), page);
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
