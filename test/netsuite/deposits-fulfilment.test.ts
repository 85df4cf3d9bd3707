/**
 * HC_MR_CreateCustomerDeposit, HC_MR_ExportedCustomerDepositCSV, HC_MR_ExportedSalesOrderFulfillmentCSV,
 * HC_SC_CreateItemFulfillment and HC_SC_CreateSalesOrderInvoice in the emulator, with the OMS's own
 * codecs on the other side of the files.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { depositIdsFeed, fulfillmentFeed } from '../../src/feeds/codec';
import { encodeCustomerDeposits } from '../../src/feeds/codec/customer-deposits';
import { encodeFulfilledItems } from '../../src/feeds/codec/fulfilled-items';
import { installTransactions } from './emulator/transactions';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';
import { runMapReduce } from './support/mapreduce';

let env: NsEnv;
let item = '';
let wh = '';
let store = '';

const ls = (rel: string) => env.sftp.ls(env.path(rel));
const read = (rel: string) => env.sftp.read(env.path(rel)) ?? '';
const deposits = () => env.store.all('customerdeposit');

async function decoded<T>(feed: { decode(s: string): AsyncGenerator<{ ok: boolean; value?: T; message?: string }> }, text: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of feed.decode(text)) {
    expect(r.ok, r.message).toBe(true);
    out.push(r.value as T);
  }
  return out;
}

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  installTransactions(env);
  item = env.item();
  wh = env.location('Warehouse');
  store = env.location('Store');
});

describe('customer deposits', () => {
  const file = 'CustomerDepositFeed_2026-01-02-10-00-00_run1.json';

  it('creates one deposit per External ID, linked to the order; the same file twice creates nothing more; ids go back once', async () => {
    const so1 = env.salesOrder('OMS1', [{ item, quantity: 1, location: wh, orderLineId: '00101' }]);
    const so2 = env.salesOrder('OMS2', [{ item, quantity: 2, location: wh, orderLineId: '00101' }]);
    const body = encodeCustomerDeposits([
      { orderId: so1, totalAmount: '10.00', paymentMethod: '7', externalId: 'PAY1' },
      { orderId: so2, totalAmount: '20.50', paymentMethod: '7', externalId: 'PAY2' },
      { orderId: '999999', totalAmount: '5', paymentMethod: '7', externalId: 'PAY3' },
    ]);
    env.sftp.put(env.path(`salesorder/customerdeposit/${file}`), body);
    const run = runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    expect(run.mapErrors).toEqual([]);
    expect(deposits().map((d) => [d.fields.salesorder, d.fields.payment, d.fields.externalid])).toEqual([[so1, 10, 'PAY1'], [so2, 20.5, 'PAY2']]);
    expect(ls('salesorder/customerdeposit/archive')).toEqual([file]);
    expect(read('salesorder/customerdeposit/error/CustomerDepositFeed_2026-01-02-10-00-00_run1.errors.csv')).toBe('row,field,message\n3,orderId,no sales order 999999\n');

    // The same bytes again under the same name: archived as a duplicate, nothing applied.
    env.sftp.removeTree(env.path('salesorder/customerdeposit/archive'));
    env.sftp.put(env.path(`salesorder/customerdeposit/${file}`), body);
    runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    // The same deposits under a new name: read, but no External ID is created twice.
    env.sftp.put(env.path('salesorder/customerdeposit/CustomerDepositFeed_2026-01-02-11-00-00_run2.json'), body);
    runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    expect(deposits()).toHaveLength(2);
    expect(ls('salesorder/customerdeposit/archive')).toEqual([file, 'CustomerDepositFeed_2026-01-02-11-00-00_run2.json']);

    // Ids back: the summarize is interrupted after its upload (at the batch's DONE), restarts, and sends nothing twice.
    const exp = runMapReduce(env, 'HC_MR_ExportedCustomerDepositCSV', { interrupt: [{ stage: 'summarize', afterCalls: 11 }] });
    expect(exp.restarts).toEqual(['summarize']);
    const files = ls('salesorder/import/orderpayment');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[A-Za-z0-9-]+-CustomerDepositExport\.csv$/);
    const rows = await decoded(depositIdsFeed, read(`salesorder/import/orderpayment/${files[0]}`));
    expect(rows).toEqual([
      { orderId: 'OMS1', internalId: deposits()[0].id, manualRefNumber: 'PAY1' },
      { orderId: 'OMS2', internalId: deposits()[1].id, manualRefNumber: 'PAY2' },
    ]);
    runMapReduce(env, 'HC_MR_ExportedCustomerDepositCSV');
    expect(ls('salesorder/import/orderpayment')).toEqual(files); // a re-run exports nothing twice
  });

  it('a reduce restarted after its save creates no second deposit', () => {
    const so = env.salesOrder('OMS8', [{ item, quantity: 1, location: wh, orderLineId: '00101' }]);
    env.sftp.put(env.path(`salesorder/customerdeposit/${file}`), encodeCustomerDeposits([{ orderId: so, totalAmount: '3', paymentMethod: '7', externalId: 'P8' }]));
    const run = runMapReduce(env, 'HC_MR_CreateCustomerDeposit', { interrupt: [{ stage: 'reduce', afterCalls: 0 }] });
    expect(run.restarts).toEqual([`reduce:${file}#1`]);
    expect(deposits().map((d) => d.fields.externalid)).toEqual(['P8']);
    expect(ls('salesorder/customerdeposit/archive')).toEqual([file]);
  });

  it('a file over 10 MB is not read', () => {
    env.sftp.put(env.path(`salesorder/customerdeposit/${file}`), `[${' '.repeat(10 * 1024 * 1024)}]`);
    runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    expect(ls('salesorder/customerdeposit/failed')).toEqual([file]);
    expect(deposits()).toEqual([]);
  });

  it('an upload that fails keeps the batch; the next run sends each deposit once', async () => {
    const so = env.salesOrder('OMS9', [{ item, quantity: 1, location: wh, orderLineId: '00101' }]);
    env.sftp.put(env.path(`salesorder/customerdeposit/${file}`), encodeCustomerDeposits([{ orderId: so, totalAmount: '1', paymentMethod: '7', externalId: 'P9' }]));
    runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    env.sftp.failWhen((c) => (c.op === 'upload' ? Object.assign(new Error('down'), { name: 'FTP_UPLOAD_FAILED' }) : undefined));
    runMapReduce(env, 'HC_MR_ExportedCustomerDepositCSV');
    expect(ls('salesorder/import/orderpayment')).toEqual([]);
    env.sftp.clearFailures();
    runMapReduce(env, 'HC_MR_ExportedCustomerDepositCSV');
    runMapReduce(env, 'HC_MR_ExportedCustomerDepositCSV');
    const files = ls('salesorder/import/orderpayment');
    expect(files).toHaveLength(1);
    expect((await decoded(depositIdsFeed, read(`salesorder/import/orderpayment/${files[0]}`))).map((r) => r.manualRefNumber)).toEqual(['P9']);
  });
});

describe('fulfilment both ways and the invoice', () => {
  it('exports a warehouse fulfilment once, for the OMS decoder', async () => {
    const so = env.salesOrder('OMS5', [{ item, quantity: 2, location: wh, orderLineId: '00101' }], { status: 'SalesOrd:B' });
    const rec = env.modules['N/record'] as { transform(o: object): { setValue(o: object): void; save(): number } };
    env.gov.reset(10_000);
    const f = rec.transform({ fromType: 'salesorder', fromId: so, toType: 'itemfulfillment' });
    f.setValue({ fieldId: 'shipstatus', value: 'C' });
    f.setValue({ fieldId: 'trackingnumbers', value: '1Z1<BR>1Z2' });
    f.setValue({ fieldId: 'shipcarrier', value: 'UPS' });
    f.save();
    const run = runMapReduce(env, 'HC_MR_ExportedSalesOrderFulfillmentCSV', { interrupt: [{ stage: 'reduce', afterCalls: 4 }] });
    expect(run.restarts).toHaveLength(1);
    runMapReduce(env, 'HC_MR_ExportedSalesOrderFulfillmentCSV');
    const files = ls('salesorder/import/fulfillment');
    expect(files).toHaveLength(1);
    const rows = await decoded(fulfillmentFeed, read(`salesorder/import/fulfillment/${files[0]}`));
    expect(rows.map((r) => [r.orderId, r.orderItemSeqId, r.externalFacilityId, r.quantity, r.trackingNumber, r.carrier])).toEqual([['OMS5', '00101', wh, 2, '1Z1 | 1Z2', 'UPS']]);
  });

  it('fulfils the store-fulfilled lines from the OMS feed, then invoices the order once with its deposit applied', async () => {
    const so = env.salesOrder(
      'OMS6',
      [
        { item, quantity: 1, location: store, orderLineId: '00101', rate: 30 },
        { item, quantity: 1, location: wh, orderLineId: '00102', rate: 20 },
      ],
      { status: 'SalesOrd:B' },
    );
    env.sftp.put(env.path('salesorder/customerdeposit/CustomerDepositFeed_2026-01-03-10-00-00_r.json'), encodeCustomerDeposits([{ orderId: so, totalAmount: '50', paymentMethod: '7', externalId: 'PAY6' }]));
    runMapReduce(env, 'HC_MR_CreateCustomerDeposit');
    const name = 'fulfilledOrderItemsFeed_2026-01-03-10-00-00_r.csv';
    env.sftp.put(env.path(`salesorder/update/${name}`), encodeFulfilledItems([{ internalId: so, lineId: '1', item, quantity: 1, location: store, orderLineId: '00101' }]));
    runScheduled(env, 'HC_SC_UpdateSalesOrders');
    env.tasks.finish(name);
    runScheduled(env, 'HC_SC_UpdateSalesOrders');

    runScheduled(env, 'HC_SC_CreateItemFulfillment');
    runScheduled(env, 'HC_SC_CreateItemFulfillment');
    const ifs = env.store.all('itemfulfillment');
    expect(ifs.map((f) => f.sublists.item.map((l) => [l.orderline, l.quantity]))).toEqual([[['1', 1]]]); // only the tagged line, once
    runScheduled(env, 'HC_SC_CreateSalesOrderInvoice');
    expect(env.store.all('invoice')).toEqual([]); // line 2 is not fulfilled yet

    // The warehouse ships line 2 in NetSuite; the export sends only that one back.
    const rec = env.modules['N/record'] as { transform(o: object): { setValue(o: object): void; save(): number } };
    env.gov.reset(10_000);
    const f = rec.transform({ fromType: 'salesorder', fromId: so, toType: 'itemfulfillment' });
    f.setValue({ fieldId: 'shipstatus', value: 'C' });
    f.save();
    runMapReduce(env, 'HC_MR_ExportedSalesOrderFulfillmentCSV');
    const files = ls('salesorder/import/fulfillment');
    expect((await decoded(fulfillmentFeed, read(`salesorder/import/fulfillment/${files[0]}`))).map((r) => r.orderItemSeqId)).toEqual(['00102']);

    runScheduled(env, 'HC_SC_CreateSalesOrderInvoice');
    runScheduled(env, 'HC_SC_CreateSalesOrderInvoice');
    const invoices = env.store.all('invoice');
    expect(invoices).toHaveLength(1);
    expect(invoices[0].fields.total).toBe(50);
    expect(invoices[0].fields.status).toBe('CustInvc:B');
    expect(deposits()[0].fields.status).toBe('CustDep:C');
  });

  it("a new sales order takes the account's default status; Pending Approval cannot be fulfilled", () => {
    const rec = () => env.modules['N/record'] as { create(o: object): { setValue(o: object): void; save(): number }; transform(o: object): unknown };
    const create = () => {
      env.gov.reset(10_000);
      const so = rec().create({ type: 'salesorder' });
      so.setValue({ fieldId: 'entity', value: env.customer() });
      return String(so.save());
    };
    expect(env.store.must('salesorder', create()).fields.status).toBe('SalesOrd:B');

    env = createEnv();
    installTransactions(env, { defaultSalesOrderStatus: 'SalesOrd:A' });
    const pending = create();
    expect(env.store.must('salesorder', pending).fields.status).toBe('SalesOrd:A');
    expect(() => rec().transform({ fromType: 'salesorder', fromId: pending, toType: 'itemfulfillment' })).toThrow(/Pending Approval/);
  });

  it('stops before its governance runs out and carries on next run', () => {
    const orders = [1, 2, 3].map((n) => env.salesOrder(`OMS${n}`, [{ item, quantity: 1, location: store, orderLineId: '00101' }], { status: 'SalesOrd:B' }));
    for (const so of orders) env.store.must('salesorder', so).sublists.item[0].custcol_oms_item_tag = 'oms-fulfilled';
    runScheduled(env, 'HC_SC_CreateItemFulfillment', 10 + 200 + 40 * 2 + 5);
    expect(env.store.all('itemfulfillment')).toHaveLength(2);
    runScheduled(env, 'HC_SC_CreateItemFulfillment');
    expect(env.store.all('itemfulfillment').map((f) => f.fields.createdfrom)).toEqual(orders);
  });
});
