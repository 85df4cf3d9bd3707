/**
 * Customer deposits, item fulfilments, invoices and `record.transform` for the emulated account
 * (installed on an env by `installTransactions`; nothing of the existing fakes changes).
 *
 * Documented behaviour emulated:
 * - `record.transform` (Help: "record.transform(options)", 10 units for transactions)
 *   salesorder → itemfulfillment: one line per open sales order line with quantity left to fulfil,
 *   `orderline` = the order's line, `quantity` = `quantityremaining` = what is left, and
 *   `itemreceive` marked (the account preference "Default Items to Zero Received/Fulfilled" off,
 *   NetSuite's default): a script must unmark the lines it does not fulfil. Only the marked lines
 *   are saved, and saving adds their quantity to the order line's `quantityfulfilled`; a quantity
 *   above what is left is refused.
 * - salesorder → invoice: bills the fulfilled, unbilled quantity of each line (Advanced Shipping:
 *   "invoice only fulfilled items"); nothing to bill is an error. Saving adds to `quantitybilled`
 *   and applies the order's open customer deposits (Help: "Applying a Customer Deposit": a deposit
 *   linked to a sales order is applied to the invoice billed from it, through a deposit
 *   application); a deposit fully used is `CustDep:C` (Fully Applied), an invoice fully paid
 *   `CustInvc:B` (Paid In Full).
 * - A sales order's `status` follows as the search filter ids: `SalesOrd:B` (pending fulfilment),
 *   `SalesOrd:D` (partially fulfilled), `SalesOrd:F` (pending billing), `SalesOrd:G` (billed).
 *   A new sales order takes its `orderstatus` (A Pending Approval, B Pending Fulfillment) when it
 *   is set, else the account's "Default Sales Order Status" (Help: "Order Management Accounting
 *   Preferences"; `defaultSalesOrderStatus`, Pending Fulfillment unless told). An order Pending
 *   Approval cannot be fulfilled (Help: "Approving Sales Orders": it must be approved before
 *   NetSuite can process it).
 * - External IDs are unique per record type: a second customer deposit with one fails DUP_RCRD.
 * - `search.lookupFields` (1 unit): select fields as `[{value, text}]`, others as values.
 */
import type { NsEnv } from '../support/env';
import { nsError } from '../support/fakes/misc';
import { type Fields, FakeRecord, type RecordStore, type StoredRecord } from '../support/fakes/records';

const SELECTS = new Set(['entity', 'customer', 'location', 'item', 'salesorder', 'createdfrom', 'subsidiary', 'shipmethod']);

const num = (v: unknown) => Number(v) || 0;

class TransformedRecord extends FakeRecord {
  constructor(store: RecordStore, data: StoredRecord, private readonly before: (r: StoredRecord) => void, private readonly after: (id: string, r: StoredRecord) => void) {
    super(store, data);
  }
  save(): number {
    this.before(this.data);
    const id = super.save();
    this.after(String(id), this.data);
    return id;
  }
}

function openLines(so: StoredRecord): Fields[] {
  return (so.sublists.item ?? []).filter((l) => l.isclosed !== true);
}

function orderStatus(so: StoredRecord): string {
  const lines = openLines(so);
  if (lines.length && lines.every((l) => num(l.quantitybilled) >= num(l.quantity))) return 'SalesOrd:G';
  if (lines.length && lines.every((l) => num(l.quantityfulfilled) >= num(l.quantity))) return 'SalesOrd:F';
  return lines.some((l) => num(l.quantityfulfilled) > 0) ? 'SalesOrd:D' : 'SalesOrd:B';
}

function lineOf(so: StoredRecord, orderline: unknown): Fields {
  const l = (so.sublists.item ?? []).find((x) => String(x.line) === String(orderline));
  if (!l) throw nsError('INVALID_FLD_VALUE', `sales order ${so.id} has no line ${String(orderline)}`);
  return l;
}

function toFulfillment(store: RecordStore, so: StoredRecord): TransformedRecord {
  if (so.fields.status === 'SalesOrd:A') throw nsError('INVALID_INITIALIZE_REF', `sales order ${so.id} is Pending Approval: approve it before fulfilling it`);
  const lines = openLines(so)
    .filter((l) => num(l.quantity) - num(l.quantityfulfilled) > 0)
    .map((l) => {
      const left = num(l.quantity) - num(l.quantityfulfilled);
      return { orderline: l.line, item: l.item, location: l.location, quantity: left, quantityremaining: left, itemreceive: true };
    });
  if (!lines.length) throw nsError('INVALID_INITIALIZE_REF', `sales order ${so.id} has nothing left to fulfil`);
  const data: StoredRecord = { type: 'itemfulfillment', id: '', fields: { createdfrom: so.id, entity: so.fields.entity, trandate: new Date(), shipstatus: 'A' }, sublists: { item: lines, package: [] } };
  const before = (r: StoredRecord) => {
    const order = store.must('salesorder', so.id);
    r.sublists.item = r.sublists.item.filter((l) => l.itemreceive === true);
    if (!r.sublists.item.length) throw nsError('USER_ERROR', 'You must enter at least one line item for this transaction.');
    for (const l of r.sublists.item) {
      const ol = lineOf(order, l.orderline);
      if (num(l.quantity) <= 0 || num(l.quantity) > num(ol.quantity) - num(ol.quantityfulfilled)) {
        throw nsError('USER_ERROR', `line ${String(l.orderline)}: cannot fulfil ${String(l.quantity)}, ${num(ol.quantity) - num(ol.quantityfulfilled)} left`);
      }
    }
  };
  const after = (_id: string, r: StoredRecord) => {
    const order = store.must('salesorder', so.id);
    for (const l of r.sublists.item) lineOf(order, l.orderline).quantityfulfilled = num(lineOf(order, l.orderline).quantityfulfilled) + num(l.quantity);
    order.fields.status = orderStatus(order);
  };
  return new TransformedRecord(store, data, before, after);
}

function applyDeposits(store: RecordStore, soId: string, invoiceId: string, invoice: StoredRecord): void {
  let open = num(invoice.fields.total);
  for (const dep of store.all('customerdeposit').filter((d) => String(d.fields.salesorder) === soId && d.fields.status !== 'CustDep:C')) {
    const left = num(dep.fields.payment) - num(dep.fields.amountapplied);
    const amount = Math.min(left, open);
    if (amount <= 0) continue;
    store.insert('depositapplication', { deposit: dep.id, appliedto: invoiceId, amount });
    dep.fields.amountapplied = num(dep.fields.amountapplied) + amount;
    dep.fields.status = num(dep.fields.amountapplied) >= num(dep.fields.payment) ? 'CustDep:C' : 'CustDep:B';
    open -= amount;
  }
  const stored = store.must('invoice', invoiceId);
  stored.fields.amountremaining = open;
  stored.fields.status = open <= 0 ? 'CustInvc:B' : 'CustInvc:A';
}

function toInvoice(store: RecordStore, so: StoredRecord): TransformedRecord {
  const lines = openLines(so)
    .filter((l) => num(l.quantityfulfilled) - num(l.quantitybilled) > 0)
    .map((l) => {
      const q = num(l.quantityfulfilled) - num(l.quantitybilled);
      return { orderline: l.line, item: l.item, quantity: q, rate: num(l.rate), amount: q * num(l.rate) };
    });
  if (!lines.length) throw nsError('INVALID_INITIALIZE_REF', `sales order ${so.id} has nothing to bill`);
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const data: StoredRecord = { type: 'invoice', id: '', fields: { createdfrom: so.id, entity: so.fields.entity, trandate: new Date(), total }, sublists: { item: lines } };
  const after = (id: string, r: StoredRecord) => {
    const order = store.must('salesorder', so.id);
    for (const l of r.sublists.item) lineOf(order, l.orderline).quantitybilled = num(lineOf(order, l.orderline).quantitybilled) + num(l.quantity);
    order.fields.status = orderStatus(order);
    applyDeposits(store, so.id, id, r);
  };
  return new TransformedRecord(store, data, () => undefined, after);
}

export interface TransactionOptions {
  /** The account's Default Sales Order Status preference: `SalesOrd:A` (Pending Approval) or `SalesOrd:B` (Pending Fulfillment, the default here). */
  defaultSalesOrderStatus?: 'SalesOrd:A' | 'SalesOrd:B';
}

/** Adds the records and transforms above to `env`'s N/record and N/search (new names only). */
export function installTransactions(env: NsEnv, opts: TransactionOptions = {}): void {
  const { store, gov } = env;
  store.onCreate('salesorder', (fields) => {
    if (fields.status) return;
    fields.status = fields.orderstatus ? `SalesOrd:${String(fields.orderstatus)}` : (opts.defaultSalesOrderStatus ?? 'SalesOrd:B');
    fields.orderstatus = String(fields.status).slice(-1);
  });
  const rec = env.modules['N/record'] as Record<string, unknown> & { Type: Record<string, string> };
  const srch = env.modules['N/search'] as Record<string, unknown> & { Type: Record<string, string> };
  const types = { CUSTOMER_DEPOSIT: 'customerdeposit', ITEM_FULFILLMENT: 'itemfulfillment', INVOICE: 'invoice', DEPOSIT_APPLICATION: 'depositapplication' };
  Object.assign(rec.Type, types);
  Object.assign(srch.Type, types);
  rec.transform = ({ fromType, fromId, toType }: { fromType: string; fromId: number | string; toType: string }) => {
    gov.use(10);
    if (fromType !== 'salesorder') throw nsError('INVALID_RCRD_TRANSFORM', `the emulator transforms sales orders only, not ${fromType}`);
    const so = store.must('salesorder', String(fromId));
    if (toType === 'itemfulfillment') return toFulfillment(store, so);
    if (toType === 'invoice') return toInvoice(store, so);
    throw nsError('INVALID_RCRD_TRANSFORM', `salesorder → ${toType} is not emulated`);
  };
  srch.lookupFields = ({ type, id, columns }: { type: string; id: string | number; columns: string | string[] }) => {
    gov.use(1);
    const r = store.must(type, String(id));
    const out: Record<string, unknown> = {};
    for (const c of Array.isArray(columns) ? columns : [columns]) {
      const v = c === 'internalid' ? r.id : r.fields[c];
      const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
      out[c] = SELECTS.has(c) ? (s ? [{ value: s, text: s }] : []) : typeof v === 'boolean' ? v : s;
    }
    return out;
  };
  const proto = FakeRecord.prototype as unknown as { getText?: (o: { fieldId: string }) => string };
  if (!proto.getText) proto.getText = function (this: FakeRecord, { fieldId }) {
    return String(this.getValue({ fieldId }) ?? '');
  };
  store.onBeforeSubmit('customerdeposit', ({ newRecord }) => {
    const ext = String(newRecord.getValue({ fieldId: 'externalid' }) ?? '');
    if (ext && store.all('customerdeposit').some((d) => d.id !== newRecord.data.id && String(d.fields.externalid ?? '') === ext)) {
      throw nsError('DUP_RCRD', 'A record with the same external ID already exists.');
    }
    if (!newRecord.getValue({ fieldId: 'status' })) newRecord.setValue({ fieldId: 'status', value: 'CustDep:A' });
  });
}
