/**
 * The routing scenario format of `oms route <scenario.json>` (contract "Scenario format"):
 * parsing with one clear message naming the field, and formatting of the output JSON.
 */
import { z } from 'zod';
import { copyOrder, isOrder, isProduct, isStockRow } from './scenario-check';
import { partialSettingsSchema, validateSettings } from './settings';
import { StringIndex } from './string-index';
import type { Facility, InputIndex, Order, Product, RoutingSettings, StockRow } from './types';

type Iss = { input?: unknown };
const req = (what: string) => (iss: Iss) => (iss.input === undefined ? 'is required' : `must be ${what}`);
const str = () => z.string({ error: req('a string') });
const id = () => str().min(1, { error: 'must not be empty' });
const bool = () => z.boolean({ error: req('true or false') });
const num = () => z.number({ error: req('a finite number') });
const wholeMin0 = () =>
  z
    .number({ error: req('a whole number >= 0') })
    .int({ error: 'must be a whole number >= 0' })
    .min(0, { error: 'must be a whole number >= 0' });
const positive = () =>
  z
    .number({ error: req('a positive integer') })
    .int({ error: 'must be a positive integer' })
    .positive({ error: 'must be a positive integer' });
const zip5 = () => str().regex(/^\d{5}/, { error: 'must start with 5 digits' });
const lat = () => num().min(-90, { error: 'must be between -90 and 90' }).max(90, { error: 'must be between -90 and 90' });
const lon = () => num().min(-180, { error: 'must be between -180 and 180' }).max(180, { error: 'must be between -180 and 180' });
const arr = <T extends z.ZodType>(item: T) => z.array(item, { error: req('an array') });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.object(shape, { error: req('an object') });

/**
 * Messages of the `settings` fields, worded like the rest of the file: their schema
 * (`partialSettingsSchema`) carries none of its own, as the profile body of the API shares it.
 */
const SETTINGS_EXPECTED: Readonly<Record<string, string>> = { object: 'an object', boolean: 'true or false', string: 'a string or null' };

function settingsMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.path?.[0] !== 'settings' || iss.code !== 'invalid_type') return undefined;
  return req(SETTINGS_EXPECTED[iss.expected] ?? iss.expected)(iss);
}

const facilitySchema = obj({
  id: id(),
  type: z.enum(['WAREHOUSE', 'STORE', 'VIRTUAL'], { error: req('one of WAREHOUSE, STORE, VIRTUAL') }),
  fulfillmentSystem: z.enum(['NETSUITE', 'OMS'], { error: req('one of NETSUITE, OMS') }).optional(),
  ranking: num(),
  country: id(),
  market: str().nullable().optional(),
  postalCode: str().nullable().optional(),
  latitude: lat().nullable().optional(),
  longitude: lon().nullable().optional(),
  zipRanges: arr(z.tuple([zip5(), zip5()], { error: req('a pair ["start ZIP", "end ZIP"]') })).optional(),
  accountingCodes: arr(str()).optional(),
  active: bool().optional(),
  safetyStock: wholeMin0().optional(),
  dailyOrderLimit: wholeMin0().nullable().optional(),
  ordersToday: wholeMin0().optional(),
});

const productSchema = obj({
  id: id(),
  hazmat: bool().optional(),
  sample: bool().optional(),
  warehouseId: str().nullable().optional(),
});

const stockSchema = obj({
  productId: id(),
  facilityId: id(),
  available: wholeMin0(),
  safetyStock: wholeMin0().optional(),
});

const orderSchema = obj({
  id: id(),
  accountingCode: str().nullable().optional(),
  priority: num().optional(),
  orderDate: str().optional(),
  shipTo: obj({
    country: id(),
    market: str().nullable().optional(),
    postalCode: str().nullable().optional(),
    latitude: lat().nullable().optional(),
    longitude: lon().nullable().optional(),
  }),
  items: arr(
    obj({
      seq: id(),
      productId: id(),
      quantity: positive(),
      rejectedFacilityIds: arr(str()).optional(),
    }),
  ).min(1, { error: 'must hold at least one item' }),
});

/** The scenario format as a zod schema: the authority on each field's shape and message. */
export const scenarioSchema = z.object(
  {
    settings: partialSettingsSchema.optional(),
    facilities: arr(facilitySchema),
    products: arr(productSchema),
    inventory: arr(stockSchema),
    orders: arr(orderSchema),
  },
  { error: (iss: Iss) => (iss.input === undefined ? 'is required' : 'must be a JSON object') },
);

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

/** Formats a zod path as `orders[2].items[0].quantity`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? 'scenario' : out;
}

type ScenarioData = z.output<typeof scenarioSchema>;

/**
 * The first issue the format's schema (`scenarioSchema`) finds in a whole document, as
 * `parseScenario` words it ("field.path: message"); null when the schema accepts it. The slow,
 * plain way to the message `parseScenario` gives for a shape error.
 */
export function schemaIssue(json: unknown): string | null {
  const r = scenarioSchema.safeParse(json, { error: settingsMessage });
  return r.success ? null : failure(r.error.issues[0]).message;
}

/** The small parts of a scenario, parsed by zod as they are. */
const headSchema = z.object({ settings: partialSettingsSchema.optional(), facilities: arr(facilitySchema) });

type Failure = { ok: false; message: string };

function failure(iss: { path: readonly PropertyKey[]; message: string }, prefix: readonly PropertyKey[] = []): Failure {
  return { ok: false, message: `${formatPath([...prefix, ...iss.path])}: ${iss.message}` };
}

/**
 * One of the large arrays: every element is checked by the hand-written predicate; one it
 * refuses is parsed by the zod schema, which names the bad field or accepts it after all.
 * `take` gives the element to keep (the element itself, or a copy without unknown fields).
 */
function checkList<T>(
  doc: Record<string, unknown>,
  key: string,
  accepts: (x: unknown) => boolean,
  schema: z.ZodType<T>,
  take: ((x: unknown) => T) | null,
): { ok: true; list: T[] } | Failure {
  const list = doc[key];
  if (!Array.isArray(list)) return { ok: false, message: `${key}: ${list === undefined ? 'is required' : 'must be an array'}` };
  let out: T[] | null = take === null ? null : new Array<T>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x: unknown = list[i];
    if (accepts(x)) {
      if (out !== null && take !== null) out[i] = take(x);
      continue;
    }
    const r = schema.safeParse(x);
    if (!r.success) return failure(r.error.issues[0], [key, i]);
    out ??= list.slice() as T[];
    out[i] = r.data;
  }
  return { ok: true, list: out ?? (list as T[]) };
}

/**
 * Validates a parsed JSON document against the scenario format. On bad input returns one
 * message naming the field (or every conflicting settings pair). Extra fields are ignored; the
 * objects of the large arrays `products` and `inventory` are used as given (with any extra
 * fields on them), facilities and orders are copies without unknown fields.
 */
export function parseScenario(json: unknown): ScenarioParseResult {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, message: schemaIssue(json) ?? 'scenario: must be a JSON object' };
  const doc = json as Record<string, unknown>;
  const head = headSchema.safeParse({ settings: doc.settings, facilities: doc.facilities }, { error: settingsMessage });
  if (!head.success) return failure(head.error.issues[0]);
  const products = checkList(doc, 'products', isProduct, productSchema, null);
  if (!products.ok) return products;
  const inventory = checkList(doc, 'inventory', isStockRow, stockSchema, null);
  if (!inventory.ok) return inventory;
  const orders = checkList(doc, 'orders', isOrder, orderSchema, (x) => copyOrder(x) as z.output<typeof orderSchema>);
  if (!orders.ok) return orders;
  const sv = validateSettings(head.data.settings);
  if (!sv.ok) return { ok: false, message: `settings: ${sv.message}` };
  const facilities = head.data.facilities;
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
      facilities: facilities as Facility[],
      products: products.list as Product[],
      inventory: inventory.list as StockRow[],
      orders: orders.list as Order[],
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
function facilitiesProblem(facilities: ScenarioData['facilities']): string | undefined {
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
function productsProblem(products: ScenarioData['products'], facilityAt: ReadonlyMap<string, number>, index: InputIndex): string | undefined {
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
function inventoryProblem(inventory: ScenarioData['inventory'], facilityAt: ReadonlyMap<string, number>, index: InputIndex): string | undefined {
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
function ordersProblem(orders: ScenarioData['orders']): string | undefined {
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
