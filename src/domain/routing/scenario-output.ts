/**
 * The output of `oms route` (contract "Scenario format"): the exact JSON shape, either as an
 * object (`formatScenarioOutput`) or written in pieces (`writeScenarioOutput`) as the text
 * `JSON.stringify(formatScenarioOutput(out), null, 2)` followed by a newline, without ever
 * building that text whole.
 */
import type { StockLeft } from './stock-left';
import type { InventoryLeft, OrderResult, Product, RouteOutput } from './types';

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

type OrderOutput = ScenarioOutput['orders'][number];

function orderOutput(o: OrderResult): OrderOutput {
  return {
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
  };
}

function productOutput(p: Product): ScenarioOutput['createdProducts'][number] {
  return { id: p.id, hazmat: p.hazmat === true, sample: p.sample === true, warehouseId: p.warehouseId ?? null };
}

/** Projects an engine result onto the contract's output shape (fields in contract order). */
export function formatScenarioOutput(out: RouteOutput): ScenarioOutput {
  return {
    orders: out.orders.map(orderOutput),
    createdProducts: out.createdProducts.map(productOutput),
    inventory: out.inventory.map((r) => ({ productId: r.productId, facilityId: r.facilityId, available: r.available })),
  };
}

/** A run's result to write: the stock left as objects (`routeOrders`) or as a view (`routeOrdersView`). */
export interface ScenarioResult {
  readonly orders: readonly OrderResult[];
  readonly createdProducts: readonly Product[];
  readonly inventory: readonly InventoryLeft[] | StockLeft;
}

/**
 * Writes `JSON.stringify(formatScenarioOutput(out), null, 2) + "\n"` through `write`, in
 * pieces of at most 64 KiB of UTF-8: orders are formatted one by one, stock rows byte by byte.
 */
export function writeScenarioOutput(out: ScenarioResult, write: (piece: string) => void): void {
  const w = new Pieces(write);
  w.text('{\n  "orders": ');
  list(w, out.orders.length, (i) => w.text(indented(orderOutput(out.orders[i]))));
  w.text(',\n  "createdProducts": ');
  list(w, out.createdProducts.length, (i) => w.text(indented(productOutput(out.createdProducts[i]))));
  w.text(',\n  "inventory": ');
  const inv = out.inventory;
  const rows: StockLeft = 'productId' in inv && typeof inv.productId === 'function' ? inv : viewOf(inv as readonly InventoryLeft[]);
  const quoted = new Map<string, Uint8Array>();
  let lastId = '';
  let lastQuoted = w.encode('""');
  list(w, rows.length, (i) => {
    const productId = rows.productId(i);
    if (productId !== lastId) {
      lastId = productId;
      lastQuoted = w.encode(JSON.stringify(productId));
    }
    const facilityId = rows.facilityId(i);
    let f = quoted.get(facilityId);
    if (f === undefined) quoted.set(facilityId, (f = w.encode(JSON.stringify(facilityId))));
    w.bytes(ROW_START);
    w.bytes(lastQuoted);
    w.bytes(ROW_FACILITY);
    w.bytes(f);
    w.bytes(ROW_AVAILABLE);
    w.number(rows.available(i));
    w.bytes(ROW_END);
  });
  w.text('\n}\n');
  w.flush();
}

/** An element of a top-level list as `JSON.stringify(…, null, 2)` prints it at indent level 2. */
function indented(x: unknown): string {
  return JSON.stringify(x, null, 2).replace(NEWLINE, '\n    ');
}

const NEWLINE = /\n/g;
const utf8 = new TextEncoder();
const ROW_START = utf8.encode('{\n      "productId": ');
const ROW_FACILITY = utf8.encode(',\n      "facilityId": ');
const ROW_AVAILABLE = utf8.encode(',\n      "available": ');
const ROW_END = utf8.encode('\n    }');
const LIST_OPEN = utf8.encode('[\n    ');
const LIST_SEP = utf8.encode(',\n    ');
const LIST_CLOSE = utf8.encode('\n  ]');
const EMPTY_LIST = utf8.encode('[]');

/** A JSON array of n elements at indent level 1: `[]`, or one element per line at indent 2 (each already indented inside). */
function list(w: Pieces, n: number, element: (i: number) => void): void {
  if (n === 0) {
    w.bytes(EMPTY_LIST);
    return;
  }
  w.bytes(LIST_OPEN);
  for (let i = 0; i < n; i++) {
    if (i > 0) w.bytes(LIST_SEP);
    element(i);
  }
  w.bytes(LIST_CLOSE);
}

function viewOf(rows: readonly InventoryLeft[]): StockLeft {
  return {
    length: rows.length,
    productId: (i) => rows[i].productId,
    facilityId: (i) => rows[i].facilityId,
    available: (i) => rows[i].available,
  };
}

/** UTF-8 bytes gathered into one 64 KiB buffer, handed on as text whenever it fills. */
class Pieces {
  private readonly buf = new Uint8Array(1 << 16);
  private n = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly write: (piece: string) => void) {}

  encode(s: string): Uint8Array {
    return utf8.encode(s);
  }

  bytes(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      this.write(this.decoder.decode(b));
      return;
    }
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  text(s: string): void {
    // at most 3 bytes per UTF-16 code unit
    if (s.length * 3 > this.buf.length - this.n) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.bytes(utf8.encode(s));
        return;
      }
    }
    this.n += utf8.encodeInto(s, this.buf.subarray(this.n)).written;
  }

  /** A number as JSON writes it (whole numbers digit by digit). */
  number(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) {
      this.text(JSON.stringify(v));
      return;
    }
    if (this.n + 16 > this.buf.length) this.flush();
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let x = v;
    for (let i = this.n + digits - 1; i >= this.n; i--) {
      this.buf[i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.n += digits;
  }

  flush(): void {
    if (this.n === 0) return;
    this.write(this.decoder.decode(this.buf.subarray(0, this.n)));
    this.n = 0;
  }
}
