/**
 * The routing scenario format of `oms route <scenario.json>` (contract "Scenario format"):
 * parsing with one clear message naming the field, and formatting of the output JSON.
 */
import { z } from 'zod';
import { partialSettingsSchema, validateSettings } from './settings';
import type { Facility, Order, Product, RouteOutput, RoutingSettings, StockRow } from './types';

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

const scenarioSchema = z.object(
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
 * Validates a parsed JSON document against the scenario format. On bad input returns one
 * message naming the field (or every conflicting settings pair). Extra fields are ignored.
 */
export function parseScenario(json: unknown): ScenarioParseResult {
  const r = scenarioSchema.safeParse(json, { error: settingsMessage });
  if (!r.success) {
    const iss = r.error.issues[0];
    return { ok: false, message: `${formatPath(iss.path)}: ${iss.message}` };
  }
  const d = r.data;
  const sv = validateSettings(d.settings);
  if (!sv.ok) return { ok: false, message: `settings: ${sv.message}` };
  const facilityIds = new Set(d.facilities.map((f) => f.id));
  const problem = facilitiesProblem(d.facilities) ?? productsProblem(d.products, facilityIds)
    ?? inventoryProblem(d.inventory, facilityIds) ?? ordersProblem(d.orders);
  if (problem !== undefined) return { ok: false, message: problem };
  return {
    ok: true,
    scenario: {
      settings: sv.settings,
      warnings: sv.warnings,
      facilities: d.facilities as Facility[],
      products: d.products as Product[],
      inventory: d.inventory as StockRow[],
      orders: d.orders as Order[],
    },
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

/** The first duplicate product id or unknown product warehouse. */
function productsProblem(products: ScenarioData['products'], facilityIds: ReadonlySet<string>): string | undefined {
  const prodAt = new Map<string, number>();
  for (let i = 0; i < products.length; i++) {
    const p = products[i];
    const prev = prodAt.get(p.id);
    if (prev !== undefined) return `products[${i}].id: duplicate product id "${p.id}" (also products[${prev}])`;
    prodAt.set(p.id, i);
    if (p.warehouseId != null && !facilityIds.has(p.warehouseId)) return `products[${i}].warehouseId: unknown facility "${p.warehouseId}"`;
  }
  return undefined;
}

/** The first stock row at an unknown facility, or the first duplicate row. */
function inventoryProblem(inventory: ScenarioData['inventory'], facilityIds: ReadonlySet<string>): string | undefined {
  const rowAt = new Map<string, number>();
  for (let i = 0; i < inventory.length; i++) {
    const s = inventory[i];
    if (!facilityIds.has(s.facilityId)) return `inventory[${i}].facilityId: unknown facility "${s.facilityId}"`;
    const key = `${s.productId}\u0000${s.facilityId}`;
    const prev = rowAt.get(key);
    if (prev !== undefined) {
      return `inventory[${i}]: duplicate row for product "${s.productId}" at facility "${s.facilityId}" (also inventory[${prev}])`;
    }
    rowAt.set(key, i);
  }
  return undefined;
}

/** The first duplicate order id, duplicate line seq within an order, or half-given ship-to coordinates. */
function ordersProblem(orders: ScenarioData['orders']): string | undefined {
  const orderAt = new Map<string, number>();
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    const prev = orderAt.get(o.id);
    if (prev !== undefined) return `orders[${i}].id: duplicate order id "${o.id}" (also orders[${prev}])`;
    orderAt.set(o.id, i);
    const seqAt = new Map<string, number>();
    for (let j = 0; j < o.items.length; j++) {
      const seq = o.items[j].seq;
      const p = seqAt.get(seq);
      if (p !== undefined) return `orders[${i}].items[${j}].seq: duplicate seq "${seq}" in order "${o.id}" (also items[${p}])`;
      seqAt.set(seq, j);
    }
    if ((o.shipTo.latitude == null) !== (o.shipTo.longitude == null)) return `orders[${i}].shipTo: latitude and longitude must be given together`;
  }
  return undefined;
}

/** The exact output JSON shape of the contract. */
export interface ScenarioOutput {
  orders: {
    id: string;
    status: string;
    shipments: { facilityId: string; carrier: string | null; backordered: boolean; items: { seq: string; quantity: number }[] }[];
    queued: { seq: string; quantity: number }[];
    exception: { reason: string; message: string } | null;
    warnings: string[];
    explanation: string[];
  }[];
  createdProducts: { id: string; hazmat: boolean; sample: boolean; warehouseId: string | null }[];
  inventory: { productId: string; facilityId: string; available: number }[];
}

/** Projects an engine result onto the contract's output shape (fields in contract order). */
export function formatScenarioOutput(out: RouteOutput): ScenarioOutput {
  return {
    orders: out.orders.map((o) => ({
      id: o.id,
      status: o.status,
      shipments: o.shipments.map((s) => ({
        facilityId: s.facilityId,
        carrier: s.carrier,
        backordered: s.backordered,
        items: s.items.map((i) => ({ seq: i.seq, quantity: i.quantity })),
      })),
      queued: o.queued.map((q) => ({ seq: q.seq, quantity: q.quantity })),
      exception: o.exception === null ? null : { reason: o.exception.reason, message: o.exception.message },
      warnings: [...o.warnings],
      explanation: [...o.explanation],
    })),
    createdProducts: out.createdProducts.map((p) => ({
      id: p.id,
      hazmat: p.hazmat === true,
      sample: p.sample === true,
      warehouseId: p.warehouseId ?? null,
    })),
    inventory: out.inventory.map((r) => ({ productId: r.productId, facilityId: r.facilityId, available: r.available })),
  };
}
