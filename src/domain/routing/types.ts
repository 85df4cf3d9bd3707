/**
 * Plain data types of the Sales Order Routing engine (contract: shared/contracts/routing.md).
 * Everything here is serialisable data; the engine never performs I/O.
 */

import type { RoutingSettings } from './settings';
import type { StringIndex } from './string-index';

/** One routing profile, declared once as a zod schema in `settings.ts`. */
export type { BooleanSettingKey, RoutingSettings } from './settings';

/** The facility types and fulfilment systems a facility may have (the scenario format's lists). */
export const FACILITY_TYPES = ['WAREHOUSE', 'STORE', 'VIRTUAL'] as const;
export const FULFILLMENT_SYSTEMS = ['NETSUITE', 'OMS'] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];
export type FulfillmentSystem = (typeof FULFILLMENT_SYSTEMS)[number];

export interface Facility {
  id: string;
  type: FacilityType;
  fulfillmentSystem?: FulfillmentSystem;
  /** 1 is the highest priority. */
  ranking: number;
  country: string;
  /** Defaults to `country`. */
  market?: string | null;
  postalCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  /** Inclusive 5-digit ZIP ranges served by this facility. */
  zipRanges?: ReadonlyArray<readonly [string, string]>;
  accountingCodes?: readonly string[];
  /** Defaults to `true`. */
  active?: boolean;
  /** Units per product kept back from routing at this facility (a stock row's own value wins). */
  safetyStock?: number;
  /** Orders this facility may take per day; absent means unlimited. */
  dailyOrderLimit?: number | null;
  /** Orders already allocated to this facility today (before this run). */
  ordersToday?: number;
}

export interface Product {
  id: string;
  hazmat?: boolean;
  sample?: boolean;
  /** Facility id used by `assignWarehouseByProduct`. */
  warehouseId?: string | null;
}

export interface StockRow {
  productId: string;
  facilityId: string;
  /** Whole units available to promise, >= 0. */
  available: number;
  /** Overrides the facility's `safetyStock` for this product. */
  safetyStock?: number;
}

export interface ShipTo {
  country: string;
  /** Defaults to `country`. */
  market?: string | null;
  postalCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  /** Set by the coordinate resolver when latitude/longitude came from `postalCode`. */
  coordinateSource?: 'input' | 'postalCode';
}

export interface OrderItem {
  /** Line id, unique within the order. */
  seq: string;
  productId: string;
  /** Positive integer. */
  quantity: number;
  /** Facilities that rejected this item before; never candidates for it again. */
  rejectedFacilityIds?: readonly string[];
}

export interface Order {
  id: string;
  accountingCode?: string | null;
  /** Only used by `sortBrokeringQueue`; `routeOrders` never re-sorts. */
  priority?: number;
  orderDate?: string;
  shipTo: ShipTo;
  items: readonly OrderItem[];
}

/** The rule that decided where a shipment goes (persisted by callers next to the allocation). */
export type DecidedBy =
  | 'SINGLE_FACILITY'
  | 'SPLIT_SET'
  | 'LINE_FILL'
  | 'HIGHEST_PRIORITY_BACKORDER'
  | 'PRODUCT_WAREHOUSE';

export interface LineQuantity {
  seq: string;
  quantity: number;
}

export interface Shipment {
  facilityId: string;
  /** Designated carrier of a hazmat group, else `null`. */
  carrier: string | null;
  backordered: boolean;
  items: LineQuantity[];
  decidedBy: DecidedBy;
  /** Great-circle km (whole metres) from the ship-to, when both points are placed; else `null`. */
  distanceKm: number | null;
}

export type OrderStatus = 'ALLOCATED' | 'PARTIALLY_ALLOCATED' | 'QUEUED' | 'EXCEPTION';

export type ExceptionReason =
  | 'PRODUCT_NOT_FOUND'
  | 'NO_PRODUCT_WAREHOUSE'
  | 'NO_ELIGIBLE_FACILITY'
  | 'INSUFFICIENT_STOCK';

export interface OrderException {
  reason: ExceptionReason;
  message: string;
}

export interface OrderResult {
  id: string;
  status: OrderStatus;
  shipments: Shipment[];
  /** What is left in the brokering queue. */
  queued: LineQuantity[];
  exception: OrderException | null;
  warnings: string[];
  /** Human-readable lines: why candidates were dropped, which was chosen and why. */
  explanation: string[];
}

export interface RouteInput {
  /** Missing keys take the contract defaults. */
  settings?: Partial<RoutingSettings>;
  facilities: readonly Facility[];
  products: readonly Product[];
  inventory: readonly StockRow[];
  /** Routed one after another in this order, never re-sorted. */
  orders: readonly Order[];
  /**
   * How `parseScenario` numbered these products and stock rows (it fills this in). Routing
   * reuses it instead of looking every id up again while `products` and `inventory` are the very
   * arrays it was made for, with the same lengths, and the facility ids are the same in the same
   * order; otherwise it is ignored. Change the rows' ids and leave it out.
   */
  index?: InputIndex;
}

/** Product and stock row numbering of one input (see `RouteInput.index`). */
export interface InputIndex {
  readonly products: readonly Product[];
  readonly inventory: readonly StockRow[];
  readonly productCount: number;
  readonly rowCount: number;
  readonly facilityIds: readonly string[];
  /** Product id -> number: the products in order, then the ids only stock rows name, in row order. */
  readonly productAt: StringIndex;
  /** Facility position of each product's warehouse (-1: none). */
  readonly productWarehouse: Int32Array;
  /** Per stock row: its facility's position and its product's number. */
  readonly rowFacility: Int32Array;
  readonly rowProduct: Int32Array;
}

export interface InventoryLeft {
  productId: string;
  facilityId: string;
  available: number;
}

export interface RouteOutput {
  orders: OrderResult[];
  /** Products created by `autoCreateProduct`, in order of creation. */
  createdProducts: Product[];
  /** Stock left after the run, one row per input row, sorted by productId then facilityId. */
  inventory: InventoryLeft[];
  /** Profile-level warnings (e.g. rules overridden by `assignWarehouseByProduct`). */
  warnings: string[];
}
