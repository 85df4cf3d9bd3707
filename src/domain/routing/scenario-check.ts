/**
 * Hand-written checks of the scenario format's large arrays (products, inventory, orders), one
 * pass each with no object built per row: each predicate accepts an element only when the zod
 * schema of `scenario.ts` accepts it too (never more), so that schema stays the authority: an
 * element a predicate refuses is parsed by zod, which names the field (or accepts it after all).
 */

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
