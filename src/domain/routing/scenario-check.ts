/**
 * Hand-written checks of the scenario format (settings, facilities, and the large arrays:
 * products, inventory, orders), one pass each with no object built per row: each predicate accepts
 * a part only when the zod schema of `scenario-schema.ts` accepts it too (never more), and the
 * copies are what zod would return, so that schema stays the authority: a part a predicate refuses
 * is parsed by zod, which names the field (or accepts it after all).
 */
import { BOOLEAN_SETTING_KEYS, type RoutingSettings } from './settings';
import { FACILITY_TYPES, FULFILLMENT_SYSTEMS, type Facility } from './types';

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isId(x: unknown): boolean {
  return typeof x === 'string' && x.length > 0;
}

/** undefined, null or a string (`str().nullable().optional()`). */
function isOptText(x: unknown): boolean {
  return x === undefined || x === null || typeof x === 'string';
}

function isOptBool(x: unknown): boolean {
  return x === undefined || typeof x === 'boolean';
}

/** A whole number >= 0 within the safe integer range (`wholeMin0()`). */
function isWholeMin0(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** undefined, null or a number within [-limit, limit] (`lat()` / `lon()` nullable optional). */
function isOptCoordinate(x: unknown, limit: number): boolean {
  return x === undefined || x === null || (typeof x === 'number' && Number.isFinite(x) && x >= -limit && x <= limit);
}

/** undefined or a routing profile's settings, each optional (`partialSettingsSchema.optional()`). */
export function isSettings(x: unknown): boolean {
  if (x === undefined) return true;
  if (!isObject(x)) return false;
  for (const k of BOOLEAN_SETTING_KEYS) if (!isOptBool(x[k])) return false;
  const split = x.preassignedCarrierSplitsOrder;
  return split === undefined || (isObject(split) && typeof split.enabled === 'boolean' && isOptText(split.carrier));
}

/** Settings accepted by `isSettings`, with the known keys only (as zod would return them). */
export function copySettings(x: unknown): Partial<RoutingSettings> | undefined {
  if (x === undefined) return undefined;
  const o = x as Obj;
  const out: Obj = {};
  const split = o.preassignedCarrierSplitsOrder as Obj | undefined;
  if (split !== undefined) out.preassignedCarrierSplitsOrder = { enabled: split.enabled, carrier: split.carrier ?? null };
  for (const k of BOOLEAN_SETTING_KEYS) if (o[k] !== undefined) out[k] = o[k];
  return out as Partial<RoutingSettings>;
}

const facilityTypes: readonly unknown[] = FACILITY_TYPES;
const fulfillmentSystems: readonly unknown[] = FULFILLMENT_SYSTEMS;
const ZIP5 = /^\d{5}/;

function isZipRanges(x: unknown): boolean {
  if (x === undefined) return true;
  if (!Array.isArray(x)) return false;
  for (const r of x) {
    if (!Array.isArray(r) || r.length !== 2) return false;
    for (const z of r) if (typeof z !== 'string' || !ZIP5.test(z)) return false;
  }
  return true;
}

/** A facility (`facilitySchema`). */
export function isFacility(x: unknown): boolean {
  if (!isObject(x) || !isId(x.id) || !facilityTypes.includes(x.type) || !isId(x.country)) return false;
  if (x.fulfillmentSystem !== undefined && !fulfillmentSystems.includes(x.fulfillmentSystem)) return false;
  if (typeof x.ranking !== 'number' || !Number.isFinite(x.ranking)) return false;
  if (!isOptText(x.market) || !isOptText(x.postalCode) || !isOptCoordinate(x.latitude, 90) || !isOptCoordinate(x.longitude, 180)) return false;
  if (!isZipRanges(x.zipRanges) || !isOptBool(x.active)) return false;
  const codes = x.accountingCodes;
  if (codes !== undefined && (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string'))) return false;
  if (x.safetyStock !== undefined && !isWholeMin0(x.safetyStock)) return false;
  if (x.dailyOrderLimit !== undefined && x.dailyOrderLimit !== null && !isWholeMin0(x.dailyOrderLimit)) return false;
  return x.ordersToday === undefined || isWholeMin0(x.ordersToday);
}

const FACILITY_FIELDS = [
  'id', 'type', 'fulfillmentSystem', 'ranking', 'country', 'market', 'postalCode', 'latitude', 'longitude',
  'zipRanges', 'accountingCodes', 'active', 'safetyStock', 'dailyOrderLimit', 'ordersToday',
] as const;

/** A facility accepted by `isFacility`, without the fields the format does not know (as zod would return it). */
export function copyFacility(x: unknown): Facility {
  const o = x as Obj;
  const out: Obj = {};
  for (const k of FACILITY_FIELDS) if (o[k] !== undefined) out[k] = o[k];
  if (out.zipRanges !== undefined) out.zipRanges = (out.zipRanges as string[][]).map((r) => [r[0], r[1]]);
  if (out.accountingCodes !== undefined) out.accountingCodes = (out.accountingCodes as string[]).slice();
  return out as unknown as Facility;
}

/** A product (`productSchema`). */
export function isProduct(x: unknown): boolean {
  return isObject(x) && isId(x.id) && isOptBool(x.hazmat) && isOptBool(x.sample) && isOptText(x.warehouseId);
}

/** A stock row (`stockSchema`). */
export function isStockRow(x: unknown): boolean {
  return (
    isObject(x) &&
    isId(x.productId) &&
    isId(x.facilityId) &&
    isWholeMin0(x.available) &&
    (x.safetyStock === undefined || isWholeMin0(x.safetyStock))
  );
}

function isShipTo(x: unknown): boolean {
  return (
    isObject(x) &&
    isId(x.country) &&
    isOptText(x.market) &&
    isOptText(x.postalCode) &&
    isOptCoordinate(x.latitude, 90) &&
    isOptCoordinate(x.longitude, 180)
  );
}

function isItem(x: unknown): boolean {
  if (!isObject(x) || !isId(x.seq) || !isId(x.productId)) return false;
  const q = x.quantity;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= 0) return false;
  const rej = x.rejectedFacilityIds;
  if (rej === undefined) return true;
  if (!Array.isArray(rej)) return false;
  for (const id of rej) if (typeof id !== 'string') return false;
  return true;
}

/** An order (`orderSchema`). */
export function isOrder(x: unknown): boolean {
  if (!isObject(x) || !isId(x.id) || !isOptText(x.accountingCode)) return false;
  const pr = x.priority;
  if (pr !== undefined && (typeof pr !== 'number' || !Number.isFinite(pr))) return false;
  if (x.orderDate !== undefined && typeof x.orderDate !== 'string') return false;
  if (!isShipTo(x.shipTo)) return false;
  const items = x.items;
  if (!Array.isArray(items) || items.length === 0) return false;
  for (const it of items) if (!isItem(it)) return false;
  return true;
}

/** An order accepted by `isOrder`, without the fields the format does not know (as zod would return it). */
export function copyOrder(x: unknown): Obj {
  const o = x as Obj;
  const out: Obj = { id: o.id };
  if (o.accountingCode !== undefined) out.accountingCode = o.accountingCode;
  if (o.priority !== undefined) out.priority = o.priority;
  if (o.orderDate !== undefined) out.orderDate = o.orderDate;
  const st = o.shipTo as Obj;
  const shipTo: Obj = { country: st.country };
  if (st.market !== undefined) shipTo.market = st.market;
  if (st.postalCode !== undefined) shipTo.postalCode = st.postalCode;
  if (st.latitude !== undefined) shipTo.latitude = st.latitude;
  if (st.longitude !== undefined) shipTo.longitude = st.longitude;
  out.shipTo = shipTo;
  const items = o.items as Obj[];
  const copies: Obj[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const item: Obj = { seq: it.seq, productId: it.productId, quantity: it.quantity };
    if (it.rejectedFacilityIds !== undefined) item.rejectedFacilityIds = (it.rejectedFacilityIds as string[]).slice();
    copies[i] = item;
  }
  out.items = copies;
  return out;
}
