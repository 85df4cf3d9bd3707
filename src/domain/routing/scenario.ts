/**
 * The routing scenario format of `oms route <scenario.json>` (contract "Scenario format"): the
 * parse with one clear message naming the field. The shape of every part is checked by hand in
 * one pass (`scenario-check.ts`), with no object built per stock row; a part those checks refuse
 * goes to the zod schemas (`scenario-schema.ts`, the authority), which name the field or accept it
 * after all. Without the schemas (`parseScenarioWith(json, null)`) such a file answers `unsure`,
 * so a caller can load zod only then.
 */
import { copyFacility, copyOrder, copySettings, isFacility, isOrder, isProduct, isSettings, isStockRow } from './scenario-check';
import { validateSettings } from './settings';
import { StringIndex } from './string-index';
import type { Facility, InputIndex, Order, Product, RoutingSettings, StockRow } from './types';

/** A valid scenario: a complete `RouteInput` with settings defaults filled in. */
export interface ParsedScenario {
  settings: RoutingSettings;
  /** Settings warnings (rules overridden by `assignWarehouseByProduct`). */
  warnings: string[];
  facilities: Facility[];
  products: Product[];
  inventory: StockRow[];
  orders: Order[];
  /** The numbering found while checking, for routing to reuse (`RouteInput.index`). */
  index: InputIndex;
}

/** A parsed scenario, or one message naming the bad field (or every conflicting pair). */
export type ScenarioParseResult = { ok: true; scenario: ParsedScenario } | { ok: false; message: string };


type Failure = { ok: false; message: string };

/** The zod side of the parse (`scenario-schema.ts`): what it answers for a part the hand checks refuse. */
export interface ScenarioSchemas {
  /** The settings and facilities, parsed (unknown fields dropped), or the first issue. */
  head(doc: Record<string, unknown>): { ok: true; settings: Partial<RoutingSettings> | undefined; facilities: Facility[] } | Failure;
  /** Element i of a large array, parsed, or its first issue (path from the array's key). */
  element(key: 'products' | 'inventory' | 'orders', x: unknown, i: number): { ok: true; value: unknown } | Failure;
  /** The first issue of a whole document, or null when the format accepts it. */
  whole(json: unknown): string | null;
}

/** The hand checks refused a part and no schemas were given to name or accept it. */
export type Unsure = { ok: 'unsure' };
const UNSURE: Unsure = { ok: 'unsure' };

/**
 * One of the large arrays: every element is checked by the hand-written predicate; one it
 * refuses is parsed by the schema, which names the bad field or accepts it after all (without
 * schemas: unsure). `take` gives the element to keep (the element itself, or a copy without
 * unknown fields).
 */
function checkList<T>(
  doc: Record<string, unknown>,
  key: 'products' | 'inventory' | 'orders',
  accepts: (x: unknown) => boolean,
  schemas: ScenarioSchemas | null,
  take: ((x: unknown) => T) | null,
): { ok: true; list: T[] } | Failure | Unsure {
  const list = doc[key];
  if (!Array.isArray(list)) return { ok: false, message: `${key}: ${list === undefined ? 'is required' : 'must be an array'}` };
  let out: T[] | null = take === null ? null : new Array<T>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x: unknown = list[i];
    if (accepts(x)) {
      if (out !== null && take !== null) out[i] = take(x);
      continue;
    }
    if (schemas === null) return UNSURE;
    const r = schemas.element(key, x, i);
    if (!r.ok) return r;
    out ??= list.slice() as T[];
    out[i] = r.value as T;
  }
  return { ok: true, list: out ?? (list as T[]) };
}

/** The settings and facilities: checked by hand, else by the schemas. */
function checkHead(doc: Record<string, unknown>, schemas: ScenarioSchemas | null) {
  const { settings, facilities } = doc;
  if (isSettings(settings) && Array.isArray(facilities) && facilities.every(isFacility)) {
    return { ok: true as const, settings: copySettings(settings), facilities: facilities.map(copyFacility) };
  }
  return schemas === null ? UNSURE : schemas.head(doc);
}

/**
 * Validates a parsed JSON document against the scenario format (`parseScenario` in
 * `scenario-schema.ts` gives the schemas). On bad input returns one message naming the field (or
 * every conflicting settings pair). Extra fields are ignored; the objects of the large arrays
 * `products` and `inventory` are used as given (with any extra fields on them), facilities and
 * orders are copies without unknown fields.
 */
export function parseScenarioWith(json: unknown, schemas: ScenarioSchemas | null): ScenarioParseResult | Unsure {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return schemas === null ? UNSURE : { ok: false, message: schemas.whole(json) ?? 'scenario: must be a JSON object' };
  }
  const doc = json as Record<string, unknown>;
  const head = checkHead(doc, schemas);
  if (head.ok !== true) return head;
  const products = checkList<Product>(doc, 'products', isProduct, schemas, null);
  if (products.ok !== true) return products;
  const inventory = checkList<StockRow>(doc, 'inventory', isStockRow, schemas, null);
  if (inventory.ok !== true) return inventory;
  const orders = checkList<Order>(doc, 'orders', isOrder, schemas, (x) => copyOrder(x) as unknown as Order);
  if (orders.ok !== true) return orders;
  const sv = validateSettings(head.settings);
  if (!sv.ok) return { ok: false, message: `settings: ${sv.message}` };
  const facilities = head.facilities;
  const facilityAt = new Map<string, number>();
  for (let i = 0; i < facilities.length; i++) facilityAt.set(facilities[i].id, i);
  const index = emptyIndex(facilities, products.list, inventory.list);
  const problem = facilitiesProblem(facilities) ?? productsProblem(products.list, facilityAt, index)
    ?? inventoryProblem(inventory.list, facilityAt, index) ?? ordersProblem(orders.list);
  if (problem !== undefined) return { ok: false, message: problem };
  return {
    ok: true,
    scenario: {
      settings: sv.settings,
      warnings: sv.warnings,
      facilities,
      products: products.list,
      inventory: inventory.list,
      orders: orders.list,
      index,
    },
  };
}

/** The numbering of a scenario's products and rows, filled in by the checks below. */
function emptyIndex(facilities: readonly { id: string }[], products: readonly Product[], inventory: readonly StockRow[]): InputIndex {
  return {
    products,
    inventory,
    productCount: products.length,
    rowCount: inventory.length,
    facilityIds: facilities.map((f) => f.id),
    productAt: new StringIndex(products.length),
    productWarehouse: new Int32Array(products.length),
    rowFacility: new Int32Array(inventory.length),
    rowProduct: new Int32Array(inventory.length),
  };
}

/** The first duplicate id, reversed ZIP range or half-given coordinates among the facilities. */
function facilitiesProblem(facilities: readonly Facility[]): string | undefined {
  const facAt = new Map<string, number>();
  for (let i = 0; i < facilities.length; i++) {
    const f = facilities[i];
    const prev = facAt.get(f.id);
    if (prev !== undefined) return `facilities[${i}].id: duplicate facility id "${f.id}" (also facilities[${prev}])`;
    facAt.set(f.id, i);
    const ranges = f.zipRanges ?? [];
    for (let j = 0; j < ranges.length; j++) {
      const [lo, hi] = ranges[j];
      if (lo.slice(0, 5) > hi.slice(0, 5)) return `facilities[${i}].zipRanges[${j}]: start ${lo} is after end ${hi}`;
    }
    if ((f.latitude == null) !== (f.longitude == null)) return `facilities[${i}]: latitude and longitude must be given together`;
  }
  return undefined;
}

/** The first duplicate product id or unknown product warehouse; numbers the products (index.productAt) and their warehouses. */
function productsProblem(products: readonly Product[], facilityAt: ReadonlyMap<string, number>, index: InputIndex): string | undefined {
  const { productAt, productWarehouse } = index;
  for (let i = 0; i < products.length; i++) {
    const p = products[i];
    const prev = productAt.getOrAdd(p.id, i);
    if (prev >= 0) return `products[${i}].id: duplicate product id "${p.id}" (also products[${prev}])`;
    const w = p.warehouseId == null ? -1 : facilityAt.get(p.warehouseId);
    if (w === undefined) return `products[${i}].warehouseId: unknown facility "${p.warehouseId}"`;
    productWarehouse[i] = w;
  }
  return undefined;
}

/**
 * The first stock row at an unknown facility, or the first duplicate row (whichever comes
 * first). Fills in each row's facility position and product number (index.productAt numbers
 * the products; ids only stock rows name get the next numbers).
 */
function inventoryProblem(inventory: readonly StockRow[], facilityAt: ReadonlyMap<string, number>, index: InputIndex): string | undefined {
  const n = inventory.length;
  const { productAt, rowFacility: fac, rowProduct: prod } = index;
  // rows usually come as one run per product: duplicates are then found in the run (facility stamps)
  const stamp = new Int32Array(facilityAt.size).fill(-1);
  const first = new Int32Array(facilityAt.size);
  const seen = new Uint8Array(productAt.size + n);
  let run = -1;
  let regrouped = false;
  let dup = n;
  let prev = -1;
  let unknown = n;
  let last: string | null = null;
  let lastP = -1;
  for (let i = 0; i < n; i++) {
    const s = inventory[i];
    const f = facilityAt.get(s.facilityId);
    if (f === undefined) {
      unknown = i;
      break;
    }
    if (s.productId !== last) {
      last = s.productId;
      lastP = productAt.getOrAdd(last, productAt.size);
      if (lastP < 0) lastP = productAt.size - 1;
      run++;
      if (seen[lastP] === 1) regrouped = true;
      seen[lastP] = 1;
    }
    fac[i] = f;
    prod[i] = lastP;
    if (stamp[f] !== run) {
      stamp[f] = run;
      first[f] = i;
    } else if (dup === n) {
      dup = i;
      prev = first[f];
    }
  }
  // a product in several runs: the general way
  if (regrouped) [dup, prev] = firstDuplicate(prod, fac, unknown, productAt.size, facilityAt.size);
  if (dup < unknown) {
    const s = inventory[dup];
    return `inventory[${dup}]: duplicate row for product "${s.productId}" at facility "${s.facilityId}" (also inventory[${prev}])`;
  }
  if (unknown < n) return `inventory[${unknown}].facilityId: unknown facility "${inventory[unknown].facilityId}"`;
  return undefined;
}

/**
 * The first of rows 0..m-1 whose (product, facility) pair an earlier row has, and that earlier
 * row; [m, -1] when none. Rows are grouped by product (a stable counting sort), then each group
 * stamps the facilities it has seen.
 */
function firstDuplicate(prod: Int32Array, fac: Int32Array, m: number, P: number, F: number): [number, number] {
  const start = new Int32Array(P + 1);
  for (let i = 0; i < m; i++) start[prod[i] + 1]++;
  for (let p = 0; p < P; p++) start[p + 1] += start[p];
  const order = new Int32Array(m);
  const fill = start.slice(0, P);
  for (let i = 0; i < m; i++) order[fill[prod[i]]++] = i;
  const stamp = new Int32Array(F).fill(-1);
  const first = new Int32Array(F);
  let dup = m;
  let prev = -1;
  for (let p = 0; p < P; p++) {
    for (let k = start[p]; k < start[p + 1]; k++) {
      const i = order[k];
      const f = fac[i];
      if (stamp[f] !== p) {
        stamp[f] = p;
        first[f] = i;
      } else if (i < dup) {
        dup = i;
        prev = first[f];
      }
    }
  }
  return [dup, prev];
}

/** The first duplicate order id, duplicate line seq within an order, or half-given ship-to coordinates. */
function ordersProblem(orders: readonly Order[]): string | undefined {
  const orderAt = new Map<string, number>();
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    const prev = orderAt.get(o.id);
    if (prev !== undefined) return `orders[${i}].id: duplicate order id "${o.id}" (also orders[${prev}])`;
    orderAt.set(o.id, i);
    const items = o.items;
    for (let j = 1; j < items.length; j++) {
      const p = earlierSeq(items, j);
      if (p >= 0) return `orders[${i}].items[${j}].seq: duplicate seq "${items[j].seq}" in order "${o.id}" (also items[${p}])`;
    }
    if ((o.shipTo.latitude == null) !== (o.shipTo.longitude == null)) return `orders[${i}].shipTo: latitude and longitude must be given together`;
  }
  return undefined;
}

/** Index of the first item before j with item j's seq, or -1 (orders hold few lines; many get a map). */
function earlierSeq(items: readonly { seq: string }[], j: number): number {
  if (items.length > 16) {
    const at = new Map<string, number>();
    for (let k = 0; k < j; k++) if (!at.has(items[k].seq)) at.set(items[k].seq, k);
    return at.get(items[j].seq) ?? -1;
  }
  for (let k = 0; k < j; k++) if (items[k].seq === items[j].seq) return k;
  return -1;
}
