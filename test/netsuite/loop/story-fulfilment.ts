/**
 * Chapters 4–6 of the NetSuite loop's story (see `story.ts`): the store's inventory variance,
 * the shipments both ways, the deposit and the invoice; and `tellStory`, every chapter in order.
 */
import { runBrokering } from '../../../src/app/brokering/run';
import { packItem, shipItem } from '../../../src/app/fulfilment';
import { rejectItem } from '../../../src/app/rejections';
import { getOrder } from '../../../src/app/orders';
import { runScheduled } from '../support/env';
import type { StoredRecord } from '../support/fakes/records';
import {
  chapter1, chapter2, chapter3, chapter3b, importCycle, items, job, lineOf, mapReduce, need, newFiles, ok, place, SO_FIELDS, type Story,
  updateSalesOrders, type UpdateRun,
} from './story';
import type { JobRun } from './world';

const ADJ = 'inventoryadjustment';
const DEPOSITS = 'salesorder/customerdeposit';
const jsonFiles = (names: string[]) => names.filter((n) => n.endsWith('.json'));
const money = (v: unknown) => (Number(v) || 0).toFixed(2);
const mdy = (d: unknown) => (d instanceof Date ? `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}` : String(d));

export interface Chapter4 {
  varianceId: string;
  feed: JobRun;
  file: string;
  text: string;
  /** CSV import tasks submitted for the variance file under its own name and under the new name. */
  importsOfFile: number;
  importsOfDuplicate: number;
  importsOfResent: number;
  resent: string;
  allocation: UpdateRun;
}

/** 4. The store rejects another item as stolen: NetSuite gets the inventory adjustment once, however often the file comes. */
export async function chapter4(s: Story): Promise<Chapter4> {
  const { w, say } = s;
  const rejected = ok(await s.db.transaction((tx) => rejectItem(tx, {
    orderId: s.orderId, seqId: '00002', reasonId: 'VAR_STOLEN', comments: 'not on the shelf', source: 'STORE', actor: 'store:STORE_NYC',
    expectedFacilityId: 'STORE_NYC',
  })), 'store rejection');
  need(rejected.varianceId, 'the VAR_STOLEN rejection recorded no variance');
  const varianceId = rejected.varianceId;
  say(`The NYC Store rejected item 00002 (SKU2 × 1) with reason VAR_STOLEN: OMS variance ${varianceId}; the item is back in the brokering queue.`);

  const tasks = () => w.ns.tasks.tasks.length;
  const feed = await job(s, 'GEN_INV_VAR_FEED_NS');
  const [file] = await newFiles(s, `${ADJ}/csv`);
  need(file, 'GEN_INV_VAR_FEED_NS wrote no file');
  const text = await w.read(`${ADJ}/csv/${file}`);
  say(`GEN_INV_VAR_FEED_NS wrote ${ADJ}/csv/${file} (${feed.counts.rowsExported} variance).`);
  let t0 = tasks();
  importCycle(w, 'HC_SC_ImportInventoryAdjustment');
  const importsOfFile = tasks() - t0;
  const adjustments = () => w.ns.store.all('inventoryadjustment');
  need(adjustments().length === 1, `HC_SC_ImportInventoryAdjustment left ${adjustments().length} inventory adjustments, not 1`);
  const adj = adjustments()[0];
  const line = adj.sublists.inventory[0];
  say('HC_SC_ImportInventoryAdjustment imported it (custimport_oms_inventoryadjustment):');
  say(`  inventory adjustment ${adj.id}, External ID ${String(adj.fields.externalid)}, SKU2 ${String(line.adjustqtyby)} at ${place(s, line.location)},`);
  say(`  account ${String(adj.fields.account)}, dated ${mdy(adj.fields.trandate)}; file moved to ${ADJ}/archive/.`);

  // The same file again under its name: a reader takes a file once (name + SHA-256), it is archived without an import.
  await w.write(`${ADJ}/csv/${file}`, text);
  t0 = tasks();
  importCycle(w, 'HC_SC_ImportInventoryAdjustment');
  const importsOfDuplicate = tasks() - t0;
  // The same rows under a new name (the file regenerated): imported, and the External ID updates the same adjustment.
  const resent = file.replace(/\.csv$/, '_resent.csv');
  await w.write(`${ADJ}/csv/${resent}`, text);
  t0 = tasks();
  importCycle(w, 'HC_SC_ImportInventoryAdjustment');
  const importsOfResent = tasks() - t0;
  need(adjustments().length === 1, `after the file came twice more there are ${adjustments().length} inventory adjustments, not 1`);
  say(`The same file sent again under its own name was archived as a duplicate, not imported; sent as ${resent} it was imported`);
  const qty = adjustments()[0].sublists.inventory.map((l) => String(l.adjustqtyby)).join(', ');
  say(`  and updated adjustment ${adj.id} by its External ID: still one adjustment, SKU2 ${qty}.`);

  await runBrokering(w.oms.database, { trigger: 'test' });
  const item = (await items(s)).find((i) => i.seqId === '00002')!;
  need(item.facilityId === 'WH_CA', `brokering put item 00002 at ${item.facilityId}, not WH_CA`);
  say(`OMS brokering allocated item 00002 to WH_CA (the store is excluded for it now).`);
  const allocation = await updateSalesOrders(s, 'GEN_BRKR_ORD_FD_NS');
  say(`Sales order ${s.soId} line ${String(lineOf(s, '00002').line)} location set to ${place(s, lineOf(s, '00002')[SO_FIELDS(s).location])}.`);
  return { varianceId, feed, file, text, importsOfFile, importsOfDuplicate, importsOfResent, resent, allocation };
}

export interface Chapter5 {
  warehouseFulfilment: string;
  shippedLines: string[];
  exportFile: string;
  exportText: string;
  shipments: JobRun;
  storeUpdate: UpdateRun;
  storeFulfilment: StoredRecord;
  exportFilesAfter: string[];
}

interface FulfilmentRecord {
  getLineCount(o: object): number;
  getSublistValue(o: object): unknown;
  setSublistValue(o: object): void;
  setValue(o: object): void;
  save(): number;
}

/** A NetSuite warehouse user fulfils the lines at `location` (Transactions > Sales > Fulfill Orders), status Shipped. */
function warehouseShips(s: Story, location: string): { id: string; lines: string[] } {
  const rec = s.w.ns.modules['N/record'] as { transform(o: object): FulfilmentRecord };
  s.w.ns.gov.reset(10_000);
  const f = rec.transform({ fromType: 'salesorder', fromId: Number(s.soId), toType: 'itemfulfillment' });
  const lines: string[] = [];
  for (let i = 0; i < f.getLineCount({ sublistId: 'item' }); i++) {
    const here = String(f.getSublistValue({ sublistId: 'item', fieldId: 'location', line: i })) === location;
    f.setSublistValue({ sublistId: 'item', fieldId: 'itemreceive', line: i, value: here });
    if (here) lines.push(String(f.getSublistValue({ sublistId: 'item', fieldId: 'orderline', line: i })));
  }
  f.setValue({ fieldId: 'shipstatus', value: 'C' });
  f.setValue({ fieldId: 'shipcarrier', value: 'UPS' });
  f.setValue({ fieldId: 'trackingnumbers', value: '1ZCA00000001' });
  return { id: String(f.save()), lines };
}

/** 5. The warehouse ships in NetSuite and the OMS marks it shipped; the store ships in the OMS and NetSuite creates the fulfilment. */
export async function chapter5(s: Story): Promise<Chapter5> {
  const { w, say } = s;
  const shipped = warehouseShips(s, s.ids.whCa);
  say(`The CA Warehouse shipped sales order ${s.soId} lines ${shipped.lines.join(' and ')} in NetSuite:`);
  say(`  item fulfilment ${shipped.id}, status Shipped, UPS 1ZCA00000001.`);
  mapReduce(w, 'HC_MR_ExportedSalesOrderFulfillmentCSV');
  const [exportFile] = await newFiles(s, 'salesorder/import/fulfillment');
  need(exportFile, 'HC_MR_ExportedSalesOrderFulfillmentCSV wrote no file');
  const exportText = await w.read(`salesorder/import/fulfillment/${exportFile}`);
  const shipments = await job(s, 'IMP_ODR_ITM_FLFLMNT');
  const done = (await items(s)).filter((i) => i.status === 'SHIPPED').map((i) => i.seqId);
  say(`HC_MR_ExportedSalesOrderFulfillmentCSV wrote salesorder/import/fulfillment/${exportFile};`);
  say(`  IMP_ODR_ITM_FLFLMNT marked items ${done.join(' and ')} shipped in the OMS.`);

  const store = { orderId: s.orderId, seqId: '00001', actor: 'store:STORE_NYC', facilityId: 'STORE_NYC' };
  ok(await s.db.transaction((tx) => packItem(tx, store)), 'pack');
  ok(await s.db.transaction((tx) => shipItem(tx, { ...store, trackingNumber: 'NYC0001', carrier: 'USPS' })), 'ship');
  say('The NYC Store packed and shipped item 00001 (SKU1 × 1) in the OMS.');
  const storeUpdate = await updateSalesOrders(s, 'GEN_FLFLD_ORD_FD_NS');
  const tagged = lineOf(s, '00001');
  const tag = String(tagged[SO_FIELDS(s).itemTag ?? 'custcol_oms_item_tag']);
  say(`Sales order ${s.soId} line ${String(tagged.line)} tagged ${tag} at ${place(s, tagged[SO_FIELDS(s).location])}.`);
  runScheduled(w.ns, 'HC_SC_CreateItemFulfillment');
  runScheduled(w.ns, 'HC_SC_CreateItemFulfillment');
  const ours = w.ns.store.all('itemfulfillment').filter((f) => f.id !== shipped.id);
  need(ours.length === 1, `HC_SC_CreateItemFulfillment (run twice) left ${ours.length} fulfilments for the store, not 1`);
  const lines = ours[0].sublists.item.map((l) => String(l.orderline));
  say(`HC_SC_CreateItemFulfillment (run twice) created item fulfilment ${ours[0].id} for line ${lines.join(', ')} only, once.`);
  mapReduce(w, 'HC_MR_ExportedSalesOrderFulfillmentCSV');
  const exportFilesAfter = await newFiles(s, 'salesorder/import/fulfillment');
  say(`HC_MR_ExportedSalesOrderFulfillmentCSV ran again and sent ${exportFilesAfter.length} files: the store's fulfilment came from the OMS.`);
  return {
    warehouseFulfilment: shipped.id, shippedLines: shipped.lines, exportFile, exportText, shipments, storeUpdate, storeFulfilment: ours[0], exportFilesAfter,
  };
}

export interface Chapter6 {
  paymentId: string;
  feed: JobRun;
  file: string;
  text: string;
  resent: string;
  idFile: string;
  idText: string;
  depositIds: JobRun;
}

/** 6. The deposit reaches NetSuite once and its id comes back; the fully fulfilled order is invoiced once, the deposit applied. */
export async function chapter6(s: Story): Promise<Chapter6> {
  const { w, say } = s;
  const paymentId = (await getOrder(s.db, s.orderId))!.payments[0].id;
  const feed = await job(s, 'GEN_CUST_DEP_FD');
  const [file] = jsonFiles(await w.ls(DEPOSITS));
  need(file, 'GEN_CUST_DEP_FD wrote no file');
  const text = await w.read(`${DEPOSITS}/${file}`);
  say(`GEN_CUST_DEP_FD wrote ${DEPOSITS}/${file} (payment ${paymentId}, ${feed.counts.rowsExported} deposit).`);
  const deposits = () => w.ns.store.all('customerdeposit');
  mapReduce(w, 'HC_MR_CreateCustomerDeposit');
  need(deposits().length === 1, `HC_MR_CreateCustomerDeposit created ${deposits().length} deposits, not 1`);
  const dep = deposits()[0];
  say(`HC_MR_CreateCustomerDeposit created customer deposit ${dep.id} of ${money(dep.fields.payment)} on sales order ${s.soId},`);
  say(`  External ID ${String(dep.fields.externalid)}; file archived.`);
  await w.write(`${DEPOSITS}/${file}`, text);
  mapReduce(w, 'HC_MR_CreateCustomerDeposit');
  const resent = file.replace(/\.json$/, '_resent.json');
  await w.write(`${DEPOSITS}/${resent}`, text);
  mapReduce(w, 'HC_MR_CreateCustomerDeposit');
  need(deposits().length === 1, `after the deposit file came twice more there are ${deposits().length} deposits, not 1`);
  say(`The same deposit file sent again, under its name and as ${resent}: still one deposit.`);

  mapReduce(w, 'HC_MR_ExportedCustomerDepositCSV');
  const [idFile] = await newFiles(s, 'salesorder/import/orderpayment');
  need(idFile, 'HC_MR_ExportedCustomerDepositCSV wrote no file');
  const idText = await w.read(`salesorder/import/orderpayment/${idFile}`);
  const depositIds = await job(s, 'IMP_CUST_DEP_IDENT');
  say(`HC_MR_ExportedCustomerDepositCSV wrote salesorder/import/orderpayment/${idFile};`);
  say(`  IMP_CUST_DEP_IDENT stored deposit id ${dep.id} on payment ${paymentId}.`);

  runScheduled(w.ns, 'HC_SC_CreateSalesOrderInvoice');
  runScheduled(w.ns, 'HC_SC_CreateSalesOrderInvoice');
  const invoices = w.ns.store.all('invoice');
  need(invoices.length === 1, `HC_SC_CreateSalesOrderInvoice (run twice) created ${invoices.length} invoices, not 1`);
  const inv = invoices[0];
  const applied = w.ns.store.all('depositapplication').filter((a) => a.fields.deposit === dep.id);
  const paid = inv.fields.status === 'CustInvc:B' ? 'Paid In Full' : 'Open';
  say(`HC_SC_CreateSalesOrderInvoice (run twice) invoiced sales order ${s.soId} once: invoice ${inv.id}, ${money(inv.fields.total)}, ${paid};`);
  const full = w.ns.store.must('customerdeposit', dep.id).fields.status === 'CustDep:C' ? 'fully applied' : 'not fully applied';
  say(`  deposit ${dep.id} applied to it (${applied.map((a) => money(a.fields.amount)).join(', ')}), ${full}.`);
  return { paymentId, feed, file, text, resent, idFile, idText, depositIds };
}

export const CHAPTERS = [
  ['1', '1. The order enters the OMS; NetSuite creates the customer and the sales order', chapter1],
  ['2', '2. Approved and brokered to a NetSuite warehouse', chapter2],
  ['3', '3. A NetSuite user rejects the warehouse line', chapter3],
  ['3b', '3b. The OMS splits the rejected item; the new piece reaches NetSuite', chapter3b],
  ['4', '4. The store rejects an item as stolen; NetSuite adjusts its inventory once', chapter4],
  ['5', '5. Shipments both ways', chapter5],
  ['6', '6. The deposit, and the invoice', chapter6],
] as const satisfies readonly (readonly [string, string, (s: Story) => Promise<unknown>])[];

/** Tells the chapters in order, through `through` (the demo: all; the second loop test: 1–3b before its own). */
export async function tellStory(s: Story, through: (typeof CHAPTERS)[number][0] = '6'): Promise<void> {
  for (const [key, title, run] of CHAPTERS) {
    s.say('');
    s.say(title);
    await run(s);
    if (key === through) return;
  }
}
