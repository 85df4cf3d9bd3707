/**
 * HC_SC_ImportCustomers, HC_SC_ImportSalesOrders and the three id exports chained in the
 * emulator: the OMS's own encoders write the customer and order files, the saved import maps
 * create the records, and the id files that come back parse with the OMS's decoders. Split pieces
 * that HC_SC_UpdateSalesOrders adds are exported once; re-runs, restarts at every step of a stage
 * and a failed save export nothing twice and lose nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  collectDecoded,
  customerIdentificationFeed,
  customersFeed,
  orderIdentificationFeed,
  orderItemAttributeFeed,
  salesOrdersFeed,
  type SalesOrderLineRow,
} from '../../src/feeds/codec';
import { addEntityAndOrderFields } from './emulator/entityAndOrderFields';
import { installTransactions } from './emulator/transactions';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';
import { nsError } from './support/fakes/misc';
import { type Interruption, runMapReduce } from './support/mapreduce';

const CUSTOMERS = 'HC_SC_ImportCustomers';
const ORDERS = 'HC_SC_ImportSalesOrders';
const CUSTOMER_IDS = 'HC_MR_ExportedCustomerCSV';
const ORDER_IDS = 'HC_MR_ExportedSalesOrderCSV';
const LINE_IDS = 'HC_MR_ExportedSalesOrderItemCSV';
const DIRS = { customer: 'customer/import', order: 'salesorder/import/orderidentification', line: 'salesorder/import/orderitemattribute' };
const T0 = new Date(Date.UTC(2026, 2, 7, 9, 30, 0));

let env: NsEnv;
let sub = '';
let loc = '';
let items: string[] = [];
const ls = (rel: string) => env.sftp.ls(env.path(rel));
const read = (rel: string) => env.sftp.read(env.path(rel))!;

function importAll(script: string): void {
  runScheduled(env, script);
  env.tasks.runPending();
  runScheduled(env, script);
}

/** Every data row of every file of `dir` (the folder and its archive/), decoded by the OMS. */
async function decoded<T>(dir: string, feed: { decode(s: string): AsyncGenerator<{ ok: boolean }> }): Promise<T[]> {
  const out: T[] = [];
  for (const d of [dir, `${dir}/archive`]) {
    for (const f of ls(d).filter((n) => n.endsWith('.csv'))) {
      const { rows, errors } = await collectDecoded(feed.decode(read(`${d}/${f}`)) as never);
      expect(errors, `${d}/${f}`).toEqual([]);
      out.push(...rows.map((r) => (r as { value: T }).value));
    }
  }
  return out;
}

const files = (dir: string) => ls(dir).filter((n) => n.endsWith('.csv'));

function putCustomers(name = customersFeed.fileName(T0, 'c1')): string {
  const text = customersFeed.encode([
    { HCCustomerId: 'C100', externalId: 'SHOP-100', firstName: 'Ada', lastName: 'Byron', email: 'ada@example.test', phone: '+1 555 0100', subsidiary: sub, individual: 'T' },
    { HCCustomerId: 'C101', externalId: 'SHOP-101', firstName: 'Alan', lastName: 'Turing', email: 'alan@example.test', subsidiary: sub, individual: true },
    { HCCustomerId: 'C102', externalId: 'SHOP-102', firstName: 'Bad', lastName: 'Subsidiary', subsidiary: '99999', individual: 'T' },
  ]);
  env.sftp.put(env.path(`customer/export/${name}`), text);
  return name;
}

function orderRows(customer: string): SalesOrderLineRow[] {
  const base = { customer, subsidiary: sub, location: loc, email: 'ada@example.test', address1: '1 Main St', city: 'Springfield', country: 'US', closed: 'F' as const };
  return [
    { ...base, HCOrderId: 'O1', externalId: 'SHOP-O1', date: new Date(Date.UTC(2026, 2, 5)), orderLineId: '00101', item: items[0], quantity: 3, price: '9.50' },
    { ...base, HCOrderId: 'O1', externalId: 'SHOP-O1', date: new Date(Date.UTC(2026, 2, 5)), orderLineId: '00102', item: items[1], quantity: 1, price: '20' },
    { ...base, HCOrderId: 'O2', externalId: 'SHOP-O2', date: '3/6/2026', orderLineId: '00201', item: items[0], quantity: 2, price: '9.50' },
  ];
}

/** Customers and orders imported, all ids exported once; returns the orders' internal ids. */
async function chain(): Promise<{ o1: string; o2: string }> {
  putCustomers();
  importAll(CUSTOMERS);
  runMapReduce(env, CUSTOMER_IDS);
  const cust = await decoded<{ partyId: string; idValue: string }>(DIRS.customer, customerIdentificationFeed);
  const c100 = cust.find((c) => c.partyId === 'C100')!.idValue;
  env.sftp.put(env.path(`salesorder/export/${salesOrdersFeed.fileName(T0, 'o1')}`), salesOrdersFeed.encode(orderRows(c100)));
  importAll(ORDERS);
  runMapReduce(env, ORDER_IDS);
  runMapReduce(env, LINE_IDS);
  const byOms = (id: string) => env.store.all('salesorder').find((r) => r.fields[env.ids.SO.orderId] === id)!.id;
  return { o1: byOms('O1'), o2: byOms('O2') };
}

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv({ dateFormat: 'D/M/YYYY' });
  addEntityAndOrderFields(env.tasks.schema);
  for (const d of Object.values(DIRS)) env.sftp.mkdirp(env.path(d));
  sub = env.subsidiary();
  loc = env.location('East');
  items = [env.item('SKU-1'), env.item('SKU-2')];
});

describe('customers in, ids back', () => {
  it('creates the customers through custimport_oms_customer, reports the refused row, archives the file', () => {
    const name = putCustomers();
    importAll(CUSTOMERS);
    expect(ls('customer/export/archive')).toEqual([name]);
    const made = env.store.all('customer').filter((c) => c.fields.custentity_oms_customer_id);
    expect(made.map((c) => [c.fields.custentity_oms_customer_id, c.fields.externalid, c.fields.firstname, c.fields.isperson, c.fields.subsidiary])).toEqual([
      ['C100', 'SHOP-100', 'Ada', true, sub],
      ['C101', 'SHOP-101', 'Alan', true, sub],
    ]);
    const report = read(`customer/export/error/${name.replace(/\.csv$/, '.errors.csv')}`).trim().split('\n');
    expect(report[0]).toBe('row,HCCustomerId,externalId,message');
    expect(report.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['3,C102,SHOP-102']);
    // Nothing of a customer's name, e-mail or phone is logged.
    expect(JSON.stringify(env.logs)).not.toMatch(/Ada|Byron|ada@example|555 0100/);
  });

  it('finds the same refused row without a response file (reconciliation by External ID)', () => {
    env.tasks.exposeResponseFile = false;
    const name = putCustomers();
    importAll(CUSTOMERS);
    const report = read(`customer/export/error/${name.replace(/\.csv$/, '.errors.csv')}`).trim().split('\n');
    expect(report.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['3,C102,SHOP-102']);
  });

  it('never reads a file over 10 MB: it goes to failed/ unread', () => {
    const name = customersFeed.fileName(T0, 'big');
    env.sftp.put(env.path(`customer/export/${name}`), `${customersFeed.header}\n${'x'.repeat(10 * 1024 * 1024)}\n`);
    runScheduled(env, CUSTOMERS);
    expect(ls('customer/export/failed')).toEqual([name]);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(env.sftp.calls.filter((c) => c.op === 'download')).toHaveLength(0);
  });

  it('exports partyId,partyIdentificationTypeId,idValue once; a re-run exports nothing', async () => {
    putCustomers();
    importAll(CUSTOMERS);
    runMapReduce(env, CUSTOMER_IDS);
    expect(files(DIRS.customer)).toHaveLength(1);
    expect(files(DIRS.customer)[0]).toMatch(/^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[a-z0-9]+-CustomerExport\.csv$/);
    const rows = await decoded<{ partyId: string; partyIdentificationTypeId: string; idValue: string }>(DIRS.customer, customerIdentificationFeed);
    const ids = Object.fromEntries(env.store.all('customer').map((c) => [c.fields.custentity_oms_customer_id, c.id]));
    expect(rows).toEqual([
      { partyId: 'C100', partyIdentificationTypeId: 'NETSUITE_CUSTOMER_ID', idValue: ids.C100 },
      { partyId: 'C101', partyIdentificationTypeId: 'NETSUITE_CUSTOMER_ID', idValue: ids.C101 },
    ]);
    runMapReduce(env, CUSTOMER_IDS);
    expect(files(DIRS.customer)).toHaveLength(1);
    const batches = env.store.all('customrecord_oms_id_export');
    expect(batches.map((b) => b.fields.custrecord_oms_idx_status)).toEqual(['DONE']);
  });
});

describe('sales orders in, order and line ids back', () => {
  it('creates whole orders with their OMS ids, dates in the user format, and exports each id once', async () => {
    const { o1, o2 } = await chain();
    const so1 = env.store.must('salesorder', o1);
    expect(so1.fields.externalid).toBe('SHOP-O1');
    expect((so1.fields.trandate as Date).toISOString().slice(0, 10)).toBe('2026-03-05');
    expect(so1.sublists.item.map((l) => [l.line, l.custcol_oms_order_line_id, l.quantity, l.rate])).toEqual([['1', '00101', 3, 9.5], ['2', '00102', 1, 20]]);
    expect((env.store.must('salesorder', o2).fields.trandate as Date).toISOString().slice(0, 10)).toBe('2026-03-06');
    const orders = await decoded<{ orderId: string; idValue: string }>(DIRS.order, orderIdentificationFeed);
    expect(orders.map((o) => [o.orderId, o.idValue])).toEqual([['O1', o1], ['O2', o2]]);
    const lines = await decoded<{ orderId: string; orderItemSeqId: string; attrName: string; attrValue: string }>(DIRS.line, orderItemAttributeFeed);
    expect(lines.map((l) => [l.orderId, l.orderItemSeqId, l.attrName, l.attrValue])).toEqual([
      ['O1', '00101', 'NetsuiteItemLineId', '1'],
      ['O1', '00102', 'NetsuiteItemLineId', '2'],
      ['O2', '00201', 'NetsuiteItemLineId', '1'],
    ]);
    for (const s of [CUSTOMER_IDS, ORDER_IDS, LINE_IDS]) runMapReduce(env, s);
    expect([files(DIRS.customer), files(DIRS.order), files(DIRS.line)].map((f) => f.length)).toEqual([1, 1, 1]);
  });

  it('creates the orders Pending Fulfillment in an account whose default sales order status is Pending Approval', async () => {
    installTransactions(env, { defaultSalesOrderStatus: 'SalesOrd:A' });
    const { o1, o2 } = await chain();
    expect([o1, o2].map((id) => env.store.must('salesorder', id).fields.status)).toEqual(['SalesOrd:B', 'SalesOrd:B']);
    // So the warehouse can fulfil them (an order Pending Approval cannot be).
    env.gov.reset(10_000);
    const f = (env.modules['N/record'] as { transform(o: object): { save(): number } }).transform({ fromType: 'salesorder', fromId: o1, toType: 'itemfulfillment' });
    expect(f.save()).toBeGreaterThan(0);
  });

  it('refuses every row of an order whose date is not M/D/YYYY, and imports the other orders', async () => {
    const rows = orderRows(env.customer());
    const text = salesOrdersFeed.encode(rows).replace(/,3\/6\/2026,/, ',2026-03-06,');
    const name = salesOrdersFeed.fileName(T0, 'bad');
    env.sftp.put(env.path(`salesorder/export/${name}`), text.replace(/(SHOP-O1,)3\/5\/2026/, '$113/45/2026'));
    importAll(ORDERS);
    expect(env.store.all('salesorder')).toHaveLength(0);
    const report = read(`salesorder/export/error/${name.replace(/\.csv$/, '.errors.csv')}`).trim().split('\n');
    expect(report.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['1,O1,00101', '2,O1,00102', '3,O2,00201']);
    expect(ls('salesorder/export/archive')).toEqual([name]);
  });

  it('exports the line a split adds (HC_SC_UpdateSalesOrders) once, with the new piece\'s orderLineId', async () => {
    const { o1 } = await chain();
    const update = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n' + `${o1},1,${items[0]},${loc},2,F,F,00101\n` + `${o1},,${items[0]},${loc},1,F,F,00103\n`;
    env.sftp.put(env.path('salesorder/update/brokeredOrderItemsFeed_2026-03-07-10-00-00_u1.csv'), update);
    importAll('HC_SC_UpdateSalesOrders');
    expect(env.store.must('salesorder', o1).sublists.item.map((l) => [l.line, l.custcol_oms_order_line_id, l.quantity])).toEqual([['1', '00101', 2], ['2', '00102', 1], ['3', '00103', 1]]);
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toHaveLength(2);
    const lines = await decoded<{ orderId: string; orderItemSeqId: string; attrValue: string }>(DIRS.line, orderItemAttributeFeed);
    expect(lines.map((l) => `${l.orderId}/${l.orderItemSeqId}=${l.attrValue}`).sort()).toEqual(['O1/00101=1', 'O1/00102=2', 'O1/00103=3', 'O2/00201=1']);
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toHaveLength(2);
  });
});

describe('id exports: restarts, failed saves, governance', () => {
  async function linesSetup(): Promise<string[]> {
    const c = env.customer();
    env.sftp.put(env.path(`salesorder/export/${salesOrdersFeed.fileName(T0, 'o1')}`), salesOrdersFeed.encode(orderRows(c)));
    importAll(ORDERS);
    return ['O1/00101', 'O1/00102', 'O2/00201'];
  }
  const lineRows = async () =>
    (await decoded<{ orderId: string; orderItemSeqId: string }>(DIRS.line, orderItemAttributeFeed)).map((l) => `${l.orderId}/${l.orderItemSeqId}`).sort();

  const cases: { label: string; interrupt: (soIds: string[]) => Interruption }[] = [];
  for (let n = 0; n <= 9; n++) cases.push({ label: `getInputData after ${n} call(s)`, interrupt: () => ({ stage: 'getInputData', afterCalls: n }) });
  for (let n = 0; n <= 2; n++) cases.push({ label: `reduce of the 1st order after ${n} call(s)`, interrupt: (ids) => ({ stage: 'reduce', key: ids[0], afterCalls: n }) });
  for (let n = 0; n <= 2; n++) cases.push({ label: `summarize after ${n} call(s)`, interrupt: () => ({ stage: 'summarize', afterCalls: n }) });
  for (const keep of [false, true]) {
    for (const c of cases) {
      it(`${c.label} (${keep ? 'keeping' : 'dropping'} its writes): every line exported exactly once`, async () => {
        const expected = await linesSetup();
        const soIds = env.store.all('salesorder').map((r) => r.id);
        const run = runMapReduce(env, LINE_IDS, { interrupt: [c.interrupt(soIds)], keepInterruptedWrites: keep });
        expect(run.restarts).toHaveLength(1);
        runMapReduce(env, LINE_IDS);
        runMapReduce(env, LINE_IDS);
        expect(await lineRows()).toEqual(expected);
        expect(files(DIRS.line)).toHaveLength(1);
        const marks = env.store.all('salesorder').flatMap((so) => so.sublists.item.map((l) => l.custcol_oms_line_export_batch));
        expect(marks).toEqual(Array(3).fill(files(DIRS.line)[0]));
      });
    }
  }

  it('a failed save leaves the batch UPLOADED; the next run marks the rest and sends no second file', async () => {
    const expected = await linesSetup();
    const o2 = env.store.all('salesorder').find((r) => r.fields[env.ids.SO.orderId] === 'O2')!.id;
    env.store.failWhen((r) => (r.type === 'salesorder' && r.id === o2 ? nsError('RCRD_LOCKED_BY_WF', 'record locked') : undefined));
    const run = runMapReduce(env, LINE_IDS);
    expect(run.reduceErrors.map(([k]) => k)).toEqual([o2]);
    expect(env.store.all('customrecord_oms_id_export').map((b) => b.fields.custrecord_oms_idx_status)).toEqual(['UPLOADED']);
    env.store.clearFailures();
    runMapReduce(env, LINE_IDS);
    expect(env.store.all('customrecord_oms_id_export').map((b) => b.fields.custrecord_oms_idx_status)).toEqual(['DONE']);
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toHaveLength(1);
    expect(await lineRows()).toEqual(expected);
  });

  it('an upload that fails leaves the batch PENDING; the next run sends the same file name once', async () => {
    const expected = await linesSetup();
    env.sftp.failWhen((c) => (c.op === 'upload' ? nsError('FTP_CANNOT_ESTABLISH_CONNECTION', 'down') : undefined));
    const run = runMapReduce(env, LINE_IDS);
    expect(run.inputError).toMatch(/FTP_CANNOT_ESTABLISH_CONNECTION/);
    expect(files(DIRS.line)).toHaveLength(0);
    const pending = env.store.all('customrecord_oms_id_export')[0].fields;
    expect(pending.custrecord_oms_idx_status).toBe('PENDING');
    env.sftp.clearFailures();
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toEqual([pending.custrecord_oms_idx_file]);
    expect(await lineRows()).toEqual(expected);
  });

  it('a file the OMS already archived counts as uploaded (PENDING batch whose file reached the server)', async () => {
    const expected = await linesSetup();
    runMapReduce(env, LINE_IDS, { interrupt: [{ stage: 'getInputData', afterCalls: 7 }] });
    // The interrupted attempt's file is taken by the OMS before the restart looks.
    env.sftp.mkdirp(env.path(`${DIRS.line}/archive`));
    for (const f of files(DIRS.line)) {
      env.sftp.put(env.path(`${DIRS.line}/archive/${f}`), read(`${DIRS.line}/${f}`));
      env.sftp.files.delete(env.path(`${DIRS.line}/${f}`));
    }
    runMapReduce(env, LINE_IDS);
    expect(await lineRows()).toEqual(expected);
    expect(files(`${DIRS.line}/archive`).length + files(DIRS.line).length).toBe(1);
  });

  it('respects max_rows and a low budget: the rest waits for the next runs, nothing lost or doubled', async () => {
    const expected = await linesSetup();
    env.params.custscript_oms_exsoi_min_usage = 9600;
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toHaveLength(0);
    expect(env.logs.some((l) => /governance low/.test(l.title))).toBe(true);
    env.params.custscript_oms_exsoi_min_usage = 200;
    env.params.custscript_oms_exsoi_max_rows = 2;
    runMapReduce(env, LINE_IDS);
    runMapReduce(env, LINE_IDS);
    runMapReduce(env, LINE_IDS);
    expect(files(DIRS.line)).toHaveLength(2);
    expect(await lineRows()).toEqual(expected);
  });
});
