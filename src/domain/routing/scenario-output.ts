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
 * in pieces of at most 64 KiB (each whole characters; the receiver may keep them), formatting
 * by hand what JSON.stringify would print.
 */
export function writeScenarioOutput(out: ScenarioResult, write: (piece: Uint8Array) => void): void {
  const w = new Pieces(write);
  w.ascii('{\n  "orders": ');
  const orders = out.orders;
  if (orders.length === 0) w.ascii('[]');
  for (let i = 0; i < orders.length; i++) {
    w.ascii(i === 0 ? '[\n    {\n      "id": ' : ',\n    {\n      "id": ');
    writeOrder(w, orders[i]);
    if (i === orders.length - 1) w.ascii('\n  ]');
  }
  w.ascii(',\n  "createdProducts": ');
  const created = out.createdProducts;
  w.ascii(created.length === 0 ? '[]' : '[\n    ');
  for (let i = 0; i < created.length; i++) {
    if (i > 0) w.ascii(',\n    ');
    w.text(JSON.stringify(productOutput(created[i]), null, 2).replace(NEWLINE, '\n    '));
  }
  if (created.length > 0) w.ascii('\n  ]');
  w.ascii(',\n  "inventory": ');
  const inv = out.inventory;
  writeStock(w, 'productId' in inv && typeof inv.productId === 'function' ? inv : viewOf(inv as readonly InventoryLeft[]));
  w.ascii('\n}\n');
  w.flush();
}

const NEWLINE = /\n/g;
const utf8 = new TextEncoder();
/** Bytes per piece. */
const PIECE = 1 << 16;

/** One order after its `"id": ` (indent level 2, as JSON.stringify prints it there). */
function writeOrder(w: Pieces, o: OrderResult): void {
  w.string(o.id);
  w.ascii(',\n      "status": ');
  w.string(o.status);
  w.ascii(',\n      "shipments": ');
  const sh = o.shipments;
  if (sh.length === 0) w.ascii('[]');
  for (let i = 0; i < sh.length; i++) {
    const s = sh[i];
    w.ascii(i === 0 ? '[\n        {\n          "facilityId": ' : ',\n        {\n          "facilityId": ');
    w.string(s.facilityId);
    w.ascii(',\n          "carrier": ');
    if (s.carrier === null) w.ascii('null');
    else w.string(s.carrier);
    w.ascii(s.backordered ? ',\n          "backordered": true,\n          "items": ' : ',\n          "backordered": false,\n          "items": ');
    writeLines(w, s.items, '            ');
    w.ascii(i === sh.length - 1 ? '\n        }\n      ]' : '\n        }');
  }
  w.ascii(',\n      "queued": ');
  writeLines(w, o.queued, '        ');
  w.ascii(',\n      "exception": ');
  if (o.exception === null) w.ascii('null');
  else {
    w.ascii('{\n        "reason": ');
    w.string(o.exception.reason);
    w.ascii(',\n        "message": ');
    w.string(o.exception.message);
    w.ascii('\n      }');
  }
  w.ascii(',\n      "warnings": ');
  writeStrings(w, o.warnings);
  w.ascii(',\n      "explanation": ');
  writeStrings(w, o.explanation);
  w.ascii('\n    }');
}

/** `[{ seq, quantity }, …]` whose elements open at indent `pad` (JSON.stringify's layout). */
function writeLines(w: Pieces, lines: readonly { seq: string; quantity: number }[], pad: string): void {
  if (lines.length === 0) {
    w.ascii('[]');
    return;
  }
  for (let i = 0; i < lines.length; i++) {
    w.ascii(i === 0 ? '[\n' : ',\n');
    w.ascii(pad);
    w.ascii('{\n  ');
    w.ascii(pad);
    w.ascii('"seq": ');
    w.string(lines[i].seq);
    w.ascii(',\n  ');
    w.ascii(pad);
    w.ascii('"quantity": ');
    w.number(lines[i].quantity);
    w.ascii('\n');
    w.ascii(pad);
    w.ascii('}');
  }
  w.ascii('\n');
  w.ascii(pad.slice(2));
  w.ascii(']');
}

/** An array of strings at indent level 3 (an order's warnings or explanation). */
function writeStrings(w: Pieces, xs: readonly string[]): void {
  if (xs.length === 0) {
    w.ascii('[]');
    return;
  }
  for (let i = 0; i < xs.length; i++) {
    w.ascii(i === 0 ? '[\n        ' : ',\n        ');
    w.string(xs[i]);
  }
  w.ascii('\n      ]');
}

/** The stock rows at indent level 1, each facility id quoted once. */
function writeStock(w: Pieces, rows: StockLeft): void {
  if (rows.length === 0) {
    w.ascii('[]');
    return;
  }
  const quoted = new Map<string, Uint8Array>();
  for (let i = 0; i < rows.length; i++) {
    w.ascii(i === 0 ? '[\n    {\n      "productId": ' : ',\n    {\n      "productId": ');
    w.string(rows.productId(i));
    w.ascii(',\n      "facilityId": ');
    const facilityId = rows.facilityId(i);
    let f = quoted.get(facilityId);
    if (f === undefined) quoted.set(facilityId, (f = utf8.encode(JSON.stringify(facilityId))));
    w.bytes(f);
    w.ascii(',\n      "available": ');
    w.number(rows.available(i));
    w.ascii('\n    }');
  }
  w.ascii('\n  ]');
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
  private buf = new Uint8Array(PIECE);
  private n = 0;

  constructor(private readonly write: (piece: Uint8Array) => void) {}

  /** Text of ASCII characters only (the layout's own). */
  ascii(s: string): void {
    if (this.n + s.length > this.buf.length) this.flush();
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < s.length; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }

  /** A string as JSON.stringify writes it: plain printable ASCII as it is, anything else through JSON.stringify. */
  string(s: string): void {
    if (this.n + s.length + 2 > this.buf.length) this.flush();
    const buf = this.buf;
    let n = this.n;
    buf[n++] = 34;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92 || n >= buf.length - 1) {
        this.text(JSON.stringify(s));
        return;
      }
      buf[n++] = c;
    }
    buf[n++] = 34;
    this.n = n;
  }

  bytes(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      this.write(b.slice());
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

  /** Hands the gathered bytes over (the receiver may keep them) and starts a new buffer. */
  flush(): void {
    if (this.n === 0) return;
    this.write(this.buf.subarray(0, this.n));
    this.buf = new Uint8Array(PIECE);
    this.n = 0;
  }
}
