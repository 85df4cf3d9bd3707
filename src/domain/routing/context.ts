/**
 * Indexed, array-based form of the routing facts (facilities, products, stock) that the engine
 * works on. Built once per run; the stock state is the only part that changes while routing.
 */
import { isPlaced, toRadians } from './geo';
import { settingsWarnings, validateSettings } from './settings';
import { SlotIndex } from './slot-index';
import { StringIndex } from './string-index';
import type { Facility, InputIndex, Product, RoutingSettings, StockRow } from './types';

/** Thrown by `createRoutingContext` when the profile is invalid (callers validate first). */
export class InvalidRoutingSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRoutingSettingsError';
  }
}

/** Precomputed facility arrays, product registry and scratch buffers of one routing run. */
export interface RoutingContext {
  readonly settings: RoutingSettings;
  readonly settingsWarnings: readonly string[];
  /** Number of facilities; facility indices are 0..F-1 in input order. */
  readonly F: number;
  readonly facilities: readonly Facility[];
  readonly facIndex: ReadonlyMap<string, number>;
  readonly facId: readonly string[];
  /** 1 when active and WAREHOUSE/STORE. */
  readonly eligible: Uint8Array;
  readonly eligibleCount: number;
  /** Explanation line for facilities that are never candidates (inactive, VIRTUAL), or null. */
  readonly ineligibleLine: string | null;
  readonly ranking: Float64Array;
  /** Position of each facility when sorted by ranking, then id. */
  readonly rankPos: Int32Array;
  /** Facilities sorted by ranking, then id. */
  readonly rankOrder: Int32Array;
  readonly placed: Uint8Array;
  readonly latRad: Float64Array;
  readonly lonRad: Float64Array;
  readonly cosLat: Float64Array;
  /** Unit vectors: the dot product with the ship-to vector is monotone in distance. */
  readonly ux: Float64Array;
  readonly uy: Float64Array;
  readonly uz: Float64Array;
  /** Normalised market (default country) per facility. */
  readonly market: readonly string[];
  /** Accounting code -> facilities (active, fulfilling) listing it. */
  readonly accountingFacilities: ReadonlyMap<string, readonly number[]>;
  /** Facilities with ZIP ranges, as [lo, hi] 5-digit strings. */
  readonly zipRanges: ReadonlyArray<ReadonlyArray<readonly [string, string]> | null>;
  readonly zipCache: Map<string, Int32Array>;
  readonly dailyLimit: Float64Array;
  readonly hasDailyLimits: boolean;
  readonly facSafety: Float64Array;
  /** Product registry; grows with auto-created products. */
  readonly products: ProductRegistry;
  /** The input's own numbering (`RouteInput.index`) when it fits the input, else null. */
  readonly inputIndex: InputIndex | null;
  /** Per-order scratch buffers. */
  readonly scratch: Scratch;
}

/** Products known to the run (input products, stock-only ids, auto-created ones), by index. */
export interface ProductRegistry {
  index: StringIndex;
  id: string[];
  /** false for ids only seen in inventory and not (yet) created. */
  known: boolean[];
  hazmat: boolean[];
  sample: boolean[];
  /** Facility index of the product's warehouse, -1 none, -2 unknown facility id. */
  warehouse: number[];
  created: Product[];
}

/** Reusable per-order buffers (stamped arrays avoid clearing size-F arrays per order). */
export interface Scratch {
  stamp: number;
  facStamp: Int32Array;
  facRow: Int32Array;
  distStamp: Int32Array;
  distM: Float64Array;
  /** Cached explanation prefixes per facility (strings reused across orders). */
  takesOrder: (string | undefined)[];
}

/**
 * Mutable stock and daily-order counters of a run. Stock "slots" are the stock rows renumbered
 * so that each product's rows are contiguous (`pStart[p]` .. `pStart[p + 1]`) and sorted by
 * facility: the hot loops read neighbouring memory.
 */
export interface StockState {
  readonly slotFac: Int32Array;
  readonly slotProd: Int32Array;
  /** Units routing may still take: available minus safety stock (negative when below it). */
  readonly free: Float64Array;
  readonly safety: Float64Array;
  /** Input row of each slot. */
  readonly rowOf: Int32Array;
  /**
   * Per product index: usable units summed over its slots at eligible facilities (active
   * WAREHOUSE/STORE), kept up to date by `OrderAllocation.take` and `rollback`.
   */
  readonly prodUsable: Float64Array;
  /** First slot of each product index (length: products at creation + 1). */
  readonly pStart: Int32Array;
  /**
   * Dense rows for products held at many facilities: `denseSlot[denseOff[p] + f]` is the slot
   * of product p at facility f, or -1 (`denseOff[p]` is -1 for products without a row).
   */
  readonly denseOff: Int32Array;
  readonly denseSlot: Int32Array;
  /** key product * F + facility -> slot, for the other products with more than a few rows. */
  readonly slotIndex: SlotIndex;
  readonly ordersToday: Float64Array;
  readonly atLimit: Uint8Array;
  /** Facilities currently at their daily limit (eligible ones only matter). */
  atLimitList: number[];
  /** Bumped whenever `atLimitList` changes. */
  atLimitVersion: number;
  /** Cached explanation of the daily-limit drops for `atLimitVersion`. */
  limitCache: { version: number; line: string | null; count: number } | null;
  /** Cached order filter of orders without order-specific filters, for `atLimitVersion`. */
  fastFilter: { version: number; filter: OrderFilter } | null;
  readonly rows: readonly StockRow[];
}

/** Membership test of one group's candidates (built and tested in `candidates.ts`). */
export interface CandidateSet {
  /** Explicit membership (1 = candidate); null means the fast path. */
  readonly mask: Uint8Array | null;
  /** Fast path only: rejected facilities that would otherwise be candidates. */
  readonly rejected: Int32Array | null;
  readonly count: number;
}

/** The order-level part of the filters, shared by every group of the order (treat as read-only once built). */
export interface OrderFilter {
  readonly mask: Uint8Array | null;
  readonly count: number;
  /** 5-digit ZIP when the ZIP rule applies to this order. */
  readonly zip: string | null;
  readonly lines: string[];
  /** Candidate set of groups without rejections (computed on first use). */
  shared: CandidateSet | null;
  sharedLines: string[];
}

/** Normalises a country or market code for comparison (trimmed, upper case). */
export function normCode(s: string | null | undefined): string {
  return (s ?? '').trim().toUpperCase();
}

/** Builds the indexed context; throws `InvalidRoutingSettingsError` on a refused profile. */
export function createRoutingContext(input: {
  settings?: Partial<RoutingSettings>;
  facilities: readonly Facility[];
  products: readonly Product[];
  inventory?: readonly StockRow[];
  index?: InputIndex;
}): RoutingContext {
  const v = validateSettings(input.settings);
  if (!v.ok) throw new InvalidRoutingSettingsError(v.message);
  const settings = v.settings;
  const facilities = input.facilities;
  const F = facilities.length;
  const facIndex = new Map<string, number>();
  const facId: string[] = new Array(F);
  const eligible = new Uint8Array(F);
  const ranking = new Float64Array(F);
  const placed = new Uint8Array(F);
  const latRad = new Float64Array(F);
  const lonRad = new Float64Array(F);
  const cosLat = new Float64Array(F);
  const ux = new Float64Array(F);
  const uy = new Float64Array(F);
  const uz = new Float64Array(F);
  const market: string[] = new Array(F);
  const zipRanges: Array<ReadonlyArray<readonly [string, string]> | null> = new Array(F);
  const dailyLimit = new Float64Array(F);
  const facSafety = new Float64Array(F);
  const accountingFacilities = new Map<string, number[]>();
  const inactive: string[] = [];
  const virtual: string[] = [];
  let eligibleCount = 0;
  let hasDailyLimits = false;
  for (let f = 0; f < F; f++) {
    const fac = facilities[f];
    facIndex.set(fac.id, f);
    facId[f] = fac.id;
    const active = fac.active !== false;
    const fulfilling = fac.type === 'WAREHOUSE' || fac.type === 'STORE';
    if (active && fulfilling) {
      eligible[f] = 1;
      eligibleCount++;
    } else if (!fulfilling) virtual.push(fac.id);
    else inactive.push(fac.id);
    ranking[f] = fac.ranking;
    if (isPlaced(fac.latitude, fac.longitude)) {
      placed[f] = 1;
      const la = toRadians(fac.latitude as number);
      const lo = toRadians(fac.longitude as number);
      latRad[f] = la;
      lonRad[f] = lo;
      cosLat[f] = Math.cos(la);
      ux[f] = cosLat[f] * Math.cos(lo);
      uy[f] = cosLat[f] * Math.sin(lo);
      uz[f] = Math.sin(la);
    }
    market[f] = normCode(fac.market ?? fac.country);
    zipRanges[f] = fac.zipRanges && fac.zipRanges.length > 0 ? fac.zipRanges.map(([a, b]) => [a.slice(0, 5), b.slice(0, 5)] as const) : null;
    const lim = fac.dailyOrderLimit;
    dailyLimit[f] = typeof lim === 'number' ? lim : Infinity;
    if (typeof lim === 'number') hasDailyLimits = true;
    facSafety[f] = fac.safetyStock ?? 0;
    if (active && fulfilling && fac.accountingCodes) {
      for (const code of new Set(fac.accountingCodes)) {
        let list = accountingFacilities.get(code);
        if (!list) accountingFacilities.set(code, (list = []));
        list.push(f);
      }
    }
  }
  const rankOrder = Int32Array.from({ length: F }, (_, i) => i).sort((a, b) =>
    ranking[a] !== ranking[b] ? ranking[a] - ranking[b] : compareStrings(facId[a], facId[b]),
  );
  const rankPos = new Int32Array(F);
  for (let i = 0; i < F; i++) rankPos[rankOrder[i]] = i;

  const ineligibleParts: string[] = [];
  if (inactive.length > 0) ineligibleParts.push(`inactive: ${listIds(inactive)}`);
  if (virtual.length > 0) ineligibleParts.push(`VIRTUAL: ${listIds(virtual)}`);
  const ineligibleLine =
    ineligibleParts.length > 0
      ? `${F - eligibleCount} facilities are never candidates (${ineligibleParts.join('; ')})`
      : null;

  const inputIndex = input.index !== undefined && indexFits(input.index, input) ? input.index : null;
  const products = inputIndex !== null ? registryOf(inputIndex) : productRegistry(input.products, facIndex);
  return {
    settings,
    settingsWarnings: settingsWarnings(settings),
    F,
    facilities,
    facIndex,
    facId,
    eligible,
    eligibleCount,
    ineligibleLine,
    ranking,
    rankPos,
    rankOrder,
    placed,
    latRad,
    lonRad,
    cosLat,
    ux,
    uy,
    uz,
    market,
    accountingFacilities,
    zipRanges,
    zipCache: new Map(),
    dailyLimit,
    hasDailyLimits,
    facSafety,
    products,
    inputIndex,
    scratch: {
      stamp: 0,
      facStamp: new Int32Array(F),
      facRow: new Int32Array(F),
      distStamp: new Int32Array(F),
      distM: new Float64Array(F),
      takesOrder: new Array(F),
    },
  };
}

/** A registry over `index` with its lists allocated for `n` products. */
function emptyRegistry(index: StringIndex, n: number): ProductRegistry {
  return {
    index,
    id: new Array<string>(n),
    known: new Array<boolean>(n),
    hazmat: new Array<boolean>(n),
    sample: new Array<boolean>(n),
    warehouse: new Array<number>(n),
    created: [],
  };
}

/** The registry of the input products, its lists allocated at their size (a later one wins for a repeated id). */
function productRegistry(list: readonly Product[], facIndex: ReadonlyMap<string, number>): ProductRegistry {
  const n = list.length;
  const reg = emptyRegistry(new StringIndex(n), n);
  let count = 0;
  for (const p of list) {
    const at = reg.index.getOrAdd(p.id, count);
    const i = at < 0 ? count++ : at;
    reg.id[i] = p.id;
    reg.known[i] = true;
    reg.hazmat[i] = p.hazmat === true;
    reg.sample[i] = p.sample === true;
    reg.warehouse[i] = p.warehouseId == null ? -1 : (facIndex.get(p.warehouseId) ?? -2);
  }
  for (const a of [reg.id, reg.known, reg.hazmat, reg.sample, reg.warehouse]) a.length = count;
  return reg;
}

/** True when the input index was made for exactly these products, stock rows and facility ids. */
function indexFits(index: InputIndex, input: { facilities: readonly Facility[]; products: readonly Product[]; inventory?: readonly StockRow[] }): boolean {
  if (index.products !== input.products || index.productCount !== input.products.length) return false;
  if (index.inventory !== input.inventory || index.rowCount !== index.inventory.length) return false;
  if (index.facilityIds.length !== input.facilities.length) return false;
  for (let f = 0; f < input.facilities.length; f++) if (input.facilities[f].id !== index.facilityIds[f]) return false;
  return true;
}

/** The registry as the input index numbers it: its products, then the ids only stock rows name (unknown products). */
function registryOf(index: InputIndex): ProductRegistry {
  const at = index.productAt.clone();
  const n = at.size;
  const reg = emptyRegistry(at, n);
  for (let i = 0; i < n; i++) {
    const p = i < index.productCount ? index.products[i] : null;
    reg.id[i] = at.keyAt(i);
    reg.known[i] = p !== null;
    reg.hazmat[i] = p?.hazmat === true;
    reg.sample[i] = p?.sample === true;
    reg.warehouse[i] = p !== null ? index.productWarehouse[i] : -1;
  }
  return reg;
}

/** Adds or updates a product in the registry and returns its index. */
export function registerProduct(
  reg: ProductRegistry,
  id: string,
  known: boolean,
  hazmat: boolean,
  sample: boolean,
  warehouse: number,
): number {
  let p = reg.index.getOrAdd(id, reg.id.length);
  if (p < 0) {
    p = reg.id.length;
    reg.id.push(id);
    reg.known.push(known);
    reg.hazmat.push(hazmat);
    reg.sample.push(sample);
    reg.warehouse.push(warehouse);
  } else {
    reg.known[p] = known;
    reg.hazmat[p] = hazmat;
    reg.sample[p] = sample;
    reg.warehouse[p] = warehouse;
  }
  return p;
}

/** Products with at most this many stock rows are looked up by a linear scan. */
export const LINEAR_MAX = 8;
/** A product held at one facility in this many or more gets a dense facility -> slot row. */
export const DENSE_RATIO = 16;

/** First slot of product p (products created after the stock was indexed have none). */
export function slotStart(stock: StockState, p: number): number {
  return p < stock.pStart.length - 1 ? stock.pStart[p] : 0;
}

/** One past the last slot of product p. */
export function slotEnd(stock: StockState, p: number): number {
  return p < stock.pStart.length - 1 ? stock.pStart[p + 1] : 0;
}

/** Number of facilities holding a stock row of product p. */
export function holderCount(stock: StockState, p: number): number {
  return slotEnd(stock, p) - slotStart(stock, p);
}

/** Slot of product p at facility f, or -1. */
export function slotAt(ctx: RoutingContext, stock: StockState, p: number, f: number): number {
  const a = slotStart(stock, p);
  const b = slotEnd(stock, p);
  if (b - a <= LINEAR_MAX) {
    const sf = stock.slotFac;
    for (let s = a; s < b; s++) if (sf[s] === f) return s;
    return -1;
  }
  const off = stock.denseOff[p];
  if (off >= 0) return stock.denseSlot[off + f];
  return stock.slotIndex.get(p * ctx.F + f);
}

/** Units routing may use at a slot: available minus safety stock, never below zero. */
export function usable(stock: StockState, s: number): number {
  const u = stock.free[s];
  return u > 0 ? u : 0;
}

/** Locale-independent string comparison (UTF-16 code units). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Comma-separated ids, capped: "A, B, C and 12 more". */
export function listIds(ids: readonly string[], cap = 10): string {
  if (ids.length <= cap) return ids.join(', ');
  return `${ids.slice(0, cap).join(', ')} and ${ids.length - cap} more`;
}
