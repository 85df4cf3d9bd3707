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
 * Writes `JSON.stringify(formatScenarioOutput(out), null, 2) + "\n"` as UTF-8 through `write`,
 * in pieces of at most 64 KiB (each whole characters; the receiver may keep them). Orders go
 * through JSON.stringify one by one, stock rows are laid out by hand; text is gathered and
 * encoded a few thousand characters at a time (native string and encoding work only).
 */
export function writeScenarioOutput(out: ScenarioResult, write: (piece: Uint8Array) => void): void {
  const w = new Pieces(write);
  w.put('{\n  "orders": ');
  list(w, out.orders, orderOutput);
  w.put(',\n  "createdProducts": ');
  list(w, out.createdProducts, productOutput);
  w.put(',\n  "inventory": ');
  const inv = out.inventory;
  writeStock(w, 'productId' in inv && typeof inv.productId === 'function' ? inv : viewOf(inv as readonly InventoryLeft[]));
  w.put('\n}\n');
  w.flush();
}

/** Elements formatted per JSON.stringify call (fewer native calls, no re-indenting). */
const BATCH = 100;
const LIST_HEAD = '{\n  "x": [\n    ';
const LIST_TAIL = '\n  ]\n}';

/**
 * A top-level list as JSON.stringify prints it at indent level 1: `[]`, or its elements (as
 * `project` gives them) one per line at indent 2, formatted BATCH at a time inside a stand-in
 * object `{ x: [...] }` whose own first and last lines are cut off.
 */
function list<T>(w: Pieces, items: readonly T[], project: (x: T) => unknown): void {
  if (items.length === 0) {
    w.put('[]');
    return;
  }
  const batch: unknown[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    batch.length = 0;
    for (let j = i; j < items.length && j < i + BATCH; j++) batch.push(project(items[j]));
    const text = JSON.stringify({ x: batch }, null, 2);
    w.put(i === 0 ? '[\n    ' : ',\n    ');
    w.put(text.slice(LIST_HEAD.length, text.length - LIST_TAIL.length));
  }
  w.put('\n  ]');
}

/** The stock rows at indent level 1; the text before each row's number is made once per product and facility. */
function writeStock(w: Pieces, rows: StockLeft): void {
  if (rows.length === 0) {
    w.put('[]');
    return;
  }
  const facilityText = new Map<string, string>();
  let lastId: string | null = null;
  let productText = '';
  for (let i = 0; i < rows.length; i++) {
    const productId = rows.productId(i);
    if (productId !== lastId) {
      lastId = productId;
      productText = `{\n      "productId": ${JSON.stringify(productId)},\n      "facilityId": `;
    }
    const facilityId = rows.facilityId(i);
    let f = facilityText.get(facilityId);
    if (f === undefined) facilityText.set(facilityId, (f = `${JSON.stringify(facilityId)},\n      "available": `));
    const v = rows.available(i);
    w.put(`${i === 0 ? '[\n    ' : ',\n    '}${productText}${f}${Number.isFinite(v) ? v : JSON.stringify(v)}\n    }`);
  }
  w.put('\n  ]');
}

function viewOf(rows: readonly InventoryLeft[]): StockLeft {
  return {
    length: rows.length,
    productId: (i) => rows[i].productId,
    facilityId: (i) => rows[i].facilityId,
    available: (i) => rows[i].available,
  };
}

const utf8 = new TextEncoder();
/** Bytes per piece. */
const PIECE = 1 << 16;
/** Characters gathered before they are encoded. */
const GATHER = PIECE / 4;

/** Pieces are cut from slabs of this many bytes (fewer, larger allocations). */
const SLAB = 16 * PIECE;

/** Text gathered, encoded into 64 KiB buffers and handed on as each fills. */
class Pieces {
  private text = '';
  private slab = new ArrayBuffer(SLAB);
  private at = 0;
  private buf = new Uint8Array(this.slab, 0, PIECE);
  private n = 0;

  constructor(private readonly write: (piece: Uint8Array) => void) {}

  put(s: string): void {
    this.text += s;
    if (this.text.length >= GATHER) this.encode();
  }

  /** Encodes the gathered text into the buffer, handing each full buffer on (whole characters each). */
  private encode(): void {
    let s = this.text;
    this.text = '';
    for (;;) {
      const r = utf8.encodeInto(s, this.buf.subarray(this.n));
      this.n += r.written;
      if (r.read === s.length) return;
      s = s.slice(r.read);
      this.hand();
    }
  }

  /** Hands the encoded bytes over (the receiver may keep them) and starts a new buffer. */
  private hand(): void {
    if (this.n === 0) return;
    this.write(this.buf.subarray(0, this.n));
    this.at += this.n;
    if (this.at + PIECE > SLAB) {
      this.slab = new ArrayBuffer(SLAB);
      this.at = 0;
    }
    this.buf = new Uint8Array(this.slab, this.at, PIECE);
    this.n = 0;
  }

  flush(): void {
    if (this.text.length > 0) this.encode();
    this.hand();
  }
}

