/**
 * The order-to-invoice story of the NetSuite loop (issue 9, item 4), told once: the loop tests
 * (`loop.test.ts`, `loop-fulfilment.test.ts`) check every record and file after each chapter, and
 * `npm run demo:netsuite` (`scripts/demo-netsuite.ts`) prints what each chapter says.
 *
 * Each chapter runs the OMS's real use cases and feed jobs on the given database and the compiled
 * SuiteScripts in the emulated account, over one real SFTP server (`world.ts`), narrates what an
 * administrator would see (`say`: record ids, file names, locations; never a customer's name,
 * address or e-mail) and returns what it saw on the way (files before a job consumed them, job
 * counts), for the tests to check. A chapter that cannot go on throws `StoryError`, a sentence.
 * Nothing here imports vitest: the demo runs it under tsx.
 */
import type { Database, Db } from '../../../src/db/client';
import { runBrokering } from '../../../src/app/brokering/run';
import { approveOrder, createOrder, getOrder } from '../../../src/app/orders';
import { saveProfile } from '../../../src/app/routing-profiles';
import { orderBody, seedCatalog } from '../../support/fixtures';
import { buildNetsuite } from '../support/build';
import { runScheduled } from '../support/env';
import type { Fields, StoredRecord } from '../support/fakes/records';
import { runMapReduce } from '../support/mapreduce';
import { createWorld, type JobRun, type World } from './world';

export class StoryError extends Error {}

/** NetSuite internal ids of the account's reference records. */
export interface LoopIds { sub: string; account: string; whNj: string; whCa: string; store: string; sku1: string; sku2: string }

export interface Story {
  w: World;
  ids: LoopIds;
  db: Db;
  say: (line: string) => void;
  /** The OMS order, its NetSuite sales order and customer (set by chapter 1). */
  orderId: string;
  soId: string;
  nsCustomerId: string;
  close(): Promise<void>;
}

export const csvFiles = (names: string[]) => names.filter((n) => n.endsWith('.csv'));

/** Fails the chapter with a sentence unless `cond`. */
export function need(cond: unknown, message: string): asserts cond {
  if (!cond) throw new StoryError(message);
}

/** A use case's outcome that must be ok (or created). */
export function ok<T extends { kind: string }>(r: T, what: string): Extract<T, { kind: 'ok' | 'created' | 'existing' }> {
  if (!['ok', 'created', 'existing'].includes(r.kind)) throw new StoryError(`${what}: ${r.kind} (${(r as { message?: string }).message ?? ''})`);
  return r as Extract<T, { kind: 'ok' | 'created' | 'existing' }>;
}

/** A scheduled CSV-import script: it submits, NetSuite runs the import job, the next run archives. */
export function importCycle(w: World, script: string): void {
  runScheduled(w.ns, script);
  w.ns.tasks.runPending();
  runScheduled(w.ns, script);
}

/** Runs a Map/Reduce script; any stage error stops the story. */
export function mapReduce(w: World, script: string): void {
  const run = runMapReduce(w.ns, script);
  const errors = [run.inputError, ...run.mapErrors.map((e) => e.join(': ')), ...run.reduceErrors.map((e) => e.join(': '))].filter(Boolean);
  need(errors.length === 0, `${script} reported errors: ${errors.join('; ')}`);
}

/** Runs an OMS feed job; row errors stop the story. */
export async function job(s: Story, name: Parameters<World['job']>[0]): Promise<JobRun> {
  const r = await s.w.job(name);
  need(r.rowErrors.length === 0, `${name} reported row errors: ${JSON.stringify(r.rowErrors)}`);
  return r;
}

export const SO_FIELDS = (s: Story) => s.w.ns.ids.SO;

/** The NetSuite sales order's item lines. */
export function soLines(s: Story): Fields[] {
  return s.w.ns.store.must('salesorder', s.soId).sublists[SO_FIELDS(s).itemSublist];
}

/** The NetSuite line carrying an OMS item sequence id. */
export function lineOf(s: Story, seqId: string): Fields {
  const l = soLines(s).find((x) => x[SO_FIELDS(s).lineId] === seqId);
  need(l, `sales order ${s.soId} has no line for OMS item ${seqId}`);
  return l;
}

/** A location's name for the narration ("NJ Warehouse (id 103)"). */
export function place(s: Story, id: unknown): string {
  if (!id) return 'no location';
  const r = s.w.ns.store.get('location', String(id));
  return r ? `${String(r.fields.name)} (location ${String(id)})` : `location ${String(id)}`;
}

export const items = async (s: Story) => (await getOrder(s.db, s.orderId))!.items;

/** The files a writer put in `dir` since `before` was listed. */
export async function newFiles(s: Story, dir: string, before: string[] = []): Promise<string[]> {
  return csvFiles(await s.w.ls(dir)).filter((n) => !before.includes(n));
}

/**
 * The account and the OMS before the story: a subsidiary, an adjustment account, three
 * locations and two items in NetSuite; the same facilities (with their NetSuite location ids)
 * and products in the OMS, with stock; a web channel that may split an order across facilities.
 */
export async function openStory(database: Database, say: (line: string) => void = () => {}): Promise<Story> {
  buildNetsuite();
  const ids = { sub: '', account: '', whNj: '', whCa: '', store: '', sku1: '', sku2: '' };
  const w = await createWorld(database, (env) => {
    ids.sub = env.subsidiary('US');
    ids.account = env.account('Inventory Adjustments');
    ids.whNj = env.location('NJ Warehouse');
    ids.whCa = env.location('CA Warehouse');
    ids.store = env.location('NYC Store');
    ids.sku1 = env.item('SKU1');
    ids.sku2 = env.item('SKU2');
    return { NETSUITE_ADJUSTMENT_ACCOUNT: ids.account, NETSUITE_SUBSIDIARY: ids.sub, NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' };
  });
  const db = database.db;
  await seedCatalog(db, {
    facilities: [
      { id: 'WH_NJ', name: 'NJ Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: ids.whNj, postalCode: '07001', ranking: 1 },
      { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE', fulfillmentSystem: 'OMS', netsuiteLocationId: ids.store, postalCode: '10001', ranking: 2 },
      { id: 'WH_CA', name: 'CA Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: ids.whCa, postalCode: '90001', ranking: 3 },
    ],
    products: [{ id: 'SKU1', netsuiteItemId: ids.sku1 }, { id: 'SKU2', netsuiteItemId: ids.sku2 }],
    stock: [['SKU1', 'WH_NJ', 5], ['SKU1', 'STORE_NYC', 1], ['SKU1', 'WH_CA', 2], ['SKU2', 'STORE_NYC', 3], ['SKU2', 'WH_CA', 1]],
  });
  // The web channel may ship one order from several facilities (routing.md, allowSplitFulfillment).
  const web = { name: 'Web', salesChannel: 'WEB', settings: { allowSplitFulfillment: true } };
  ok(await db.transaction((tx) => saveProfile(tx, 'web', web, 'story')), 'routing profile');
  say(`NetSuite account: subsidiary US (${ids.sub}), adjustment account ${ids.account}, items SKU1 (${ids.sku1}) and SKU2 (${ids.sku2}),`);
  say(`  locations NJ Warehouse (${ids.whNj}), CA Warehouse (${ids.whCa}), NYC Store (${ids.store}).`);
  say('OMS: WH_NJ and WH_CA are fulfilled in NetSuite, STORE_NYC by the store; SFTP server on loopback, folders made by HC_SC_CreateSFTPDirectory.');
  return { w, ids, db, say, orderId: '', soId: '', nsCustomerId: '', close: () => w.close() };
}

export interface Chapter1 {
  customerFeed: JobRun; customerFiles: string[]; customerIdFile: string; customerIdText: string; customerIds: JobRun;
  orderFeed: JobRun; orderFiles: string[]; orderIdFiles: string[]; lineIdFiles: string[]; orderIds: JobRun; lineIds: JobRun;
}

/** 1. The order enters the OMS; NetSuite creates the customer and the sales order; their ids come back. */
export async function chapter1(s: Story): Promise<Chapter1> {
  const { w, say } = s;
  const created = ok(await s.db.transaction((tx) => createOrder(tx, orderBody({
    externalId: 'SHOP-1001',
    items: [{ productId: 'SKU1', quantity: 3, unitPrice: 10 }, { productId: 'SKU2', quantity: 1, unitPrice: 5 }],
    payments: [{ method: 'CREDIT_CARD', amount: 35 }],
  }))), 'order');
  s.orderId = created.order.id;
  say(`OMS order ${s.orderId} (web order SHOP-1001) created: item 00001 SKU1 × 3, item 00002 SKU2 × 1, paid 35.00 by credit card.`);

  const customerFeed = await job(s, 'GEN_CRT_CUST_FD');
  const customerFiles = await newFiles(s, 'customer/export');
  say(`GEN_CRT_CUST_FD wrote customer/export/${customerFiles.join(', ')} (${customerFeed.counts.rowsExported} customer).`);
  importCycle(w, 'HC_SC_ImportCustomers');
  const nsCustomers = w.ns.store.all('customer').filter((c) => c.fields.custentity_oms_customer_id);
  need(nsCustomers.length === 1, `HC_SC_ImportCustomers created ${nsCustomers.length} customers, not 1`);
  s.nsCustomerId = nsCustomers[0].id;
  say(`HC_SC_ImportCustomers imported it (saved CSV import custimport_oms_customer): customer ${s.nsCustomerId} created;`);
  say('  file moved to customer/export/archive/.');
  mapReduce(w, 'HC_MR_ExportedCustomerCSV');
  const [customerIdFile] = await newFiles(s, 'customer/import');
  need(customerIdFile, 'HC_MR_ExportedCustomerCSV wrote no file');
  const customerIdText = await w.read(`customer/import/${customerIdFile}`);
  const customerIds = await job(s, 'IMP_CUST_IDENT');
  say(`HC_MR_ExportedCustomerCSV wrote customer/import/${customerIdFile}; IMP_CUST_IDENT stored NetSuite customer id ${s.nsCustomerId} in the OMS.`);

  const orderFeed = await job(s, 'GEN_CRT_ORD_FD');
  const orderFiles = await newFiles(s, 'salesorder/export');
  say(`GEN_CRT_ORD_FD wrote salesorder/export/${orderFiles.join(', ')} (${orderFeed.counts.rowsExported} lines).`);
  importCycle(w, 'HC_SC_ImportSalesOrders');
  const so = w.ns.store.all('salesorder').filter((r) => r.fields[SO_FIELDS(s).orderId] === s.orderId);
  need(so.length === 1, `HC_SC_ImportSalesOrders created ${so.length} sales orders for ${s.orderId}, not 1`);
  s.soId = so[0].id;
  const sku = (l: Fields) => (l.item === s.ids.sku1 ? 'SKU1' : 'SKU2');
  const lines = soLines(s).map((l) => `line ${String(l.line)} ${sku(l)} × ${String(l.quantity)} (OMS item ${String(l[SO_FIELDS(s).lineId])})`);
  say(`HC_SC_ImportSalesOrders imported it (custimport_oms_add_salesorders): sales order ${s.soId} created for customer ${s.nsCustomerId}:`);
  say(`  ${lines.join(', ')}.`);
  mapReduce(w, 'HC_MR_ExportedSalesOrderCSV');
  mapReduce(w, 'HC_MR_ExportedSalesOrderItemCSV');
  const orderIdFiles = await newFiles(s, 'salesorder/import/orderidentification');
  const lineIdFiles = await newFiles(s, 'salesorder/import/orderitemattribute');
  const orderIds = await job(s, 'IMP_ORDER_IDENT');
  const lineIds = await job(s, 'IMP_ORDER_ITM_ATTR');
  say(`HC_MR_ExportedSalesOrderCSV and HC_MR_ExportedSalesOrderItemCSV wrote ${orderIdFiles.join(', ')} and ${lineIdFiles.join(', ')};`);
  say(`  IMP_ORDER_IDENT and IMP_ORDER_ITM_ATTR stored sales order id ${s.soId} and line ids ${soLines(s).map((l) => String(l.line)).join(', ')} in the OMS.`);
  return { customerFeed, customerFiles, customerIdFile, customerIdText, customerIds, orderFeed, orderFiles, orderIdFiles, lineIdFiles, orderIds, lineIds };
}

export interface UpdateRun { feed: JobRun; file: string; text: string }

/** An OMS export to `salesorder/update/`, then HC_SC_UpdateSalesOrders imports it. */
export async function updateSalesOrders(s: Story, name: 'GEN_BRKR_ORD_FD_NS' | 'GEN_FLFLD_ORD_FD_NS'): Promise<UpdateRun> {
  const before = await s.w.ls('salesorder/update/archive');
  const feed = await job(s, name);
  const [file, ...more] = await newFiles(s, 'salesorder/update');
  need(file && more.length === 0, `${name} wrote ${more.length + (file ? 1 : 0)} files, not 1`);
  const text = await s.w.read(`salesorder/update/${file}`);
  importCycle(s.w, 'HC_SC_UpdateSalesOrders');
  need((await s.w.ls('salesorder/update/archive')).length === before.length + 1, `HC_SC_UpdateSalesOrders did not archive ${file}`);
  s.say(`${name} wrote salesorder/update/${file}; HC_SC_UpdateSalesOrders imported it (custimport_oms_update_salesorders) and archived it.`);
  return { feed, file, text };
}

/** 2. Approved and brokered; the allocation file sets the warehouse on the NetSuite line. */
export async function chapter2(s: Story): Promise<UpdateRun> {
  ok(await s.db.transaction((tx) => approveOrder(tx, s.orderId)), 'approve');
  await runBrokering(s.w.oms.database, { trigger: 'test' });
  const at = (await items(s)).map((i) => `item ${i.seqId} at ${i.facilityId}`).join(', ');
  s.say(`OMS approved order ${s.orderId}; brokering allocated ${at}.`);
  const run = await updateSalesOrders(s, 'GEN_BRKR_ORD_FD_NS');
  const l1 = lineOf(s, '00001');
  s.say(`Sales order ${s.soId} line ${String(l1.line)} location set to ${place(s, l1[SO_FIELDS(s).location])}; the store's item 00002 is not sent.`);
  return run;
}

export interface Chapter3 { exportFile: string; exportText: string; rejections: JobRun }

/** 3. A NetSuite user rejects the warehouse line; the rejection file puts the item back in the OMS's queue. */
export async function chapter3(s: Story): Promise<Chapter3> {
  const { w } = s;
  const F = SO_FIELDS(s);
  const rec = (w.ns.modules['N/record'] as { load(o: object): any }).load({ type: 'salesorder', id: s.soId });
  const idx = rec.findSublistLineWithValue({ sublistId: F.itemSublist, fieldId: F.lineId, value: '00001' });
  rec.setSublistValue({ sublistId: F.itemSublist, fieldId: F.rejected, line: idx, value: true });
  rec.save();
  s.say(`A NetSuite user checked "OMS Order Item Rejected" on sales order ${s.soId} line ${String(lineOf(s, '00001').line)} (NJ Warehouse cannot ship it).`);
  mapReduce(w, 'HC_MR_ExportedRejectedSalesOrderItemCSV');
  const [exportFile] = await newFiles(s, 'salesorder/rejectedorderitem');
  need(exportFile, 'HC_MR_ExportedRejectedSalesOrderItemCSV wrote no file');
  const exportText = await w.read(`salesorder/rejectedorderitem/${exportFile}`);
  const rejections = await job(s, 'IMP_ORDER_ITM_RJCT');
  const item = (await items(s)).find((i) => i.seqId === '00001')!;
  s.say(`HC_MR_ExportedRejectedSalesOrderItemCSV wrote salesorder/rejectedorderitem/${exportFile};`);
  s.say(`  IMP_ORDER_ITM_RJCT put item 00001 back in the brokering queue (${item.status}).`);
  return { exportFile, exportText, rejections };
}

export interface Chapter3b extends UpdateRun { newSeq: string; lineIds: JobRun }

/** 3b. Brokering splits the item across the store and the other warehouse; the new piece becomes a NetSuite line. */
export async function chapter3b(s: Story): Promise<Chapter3b> {
  await runBrokering(s.w.oms.database, { trigger: 'test' });
  const pieces = (await items(s)).filter((i) => i.seqId === '00001' || i.parentSeqId === '00001');
  const piece = pieces.find((i) => i.seqId !== '00001');
  need(piece, 'brokering did not split item 00001');
  s.say(`OMS brokering split item 00001: ${pieces.map((i) => `item ${i.seqId} × ${i.quantity} at ${i.facilityId}`).join(', ')}.`);
  const run = await updateSalesOrders(s, 'GEN_BRKR_ORD_FD_NS');
  const orig = lineOf(s, '00001');
  const added = lineOf(s, piece.seqId);
  s.say(`Sales order ${s.soId}: line ${String(orig.line)} quantity reduced to ${String(orig.quantity)} (the store's share), `
    + `moved to ${place(s, orig[SO_FIELDS(s).location])}, rejected flag ${orig[SO_FIELDS(s).rejected] === true ? 'still set' : 'cleared'};`);
  s.say(`  line ${String(added.line)} added, SKU1 × ${String(added.quantity)} at ${place(s, added[SO_FIELDS(s).location])} (OMS item ${piece.seqId}).`);
  mapReduce(s.w, 'HC_MR_ExportedSalesOrderItemCSV');
  const lineIds = await job(s, 'IMP_ORDER_ITM_ATTR');
  s.say(`HC_MR_ExportedSalesOrderItemCSV sent line id ${String(added.line)} back; IMP_ORDER_ITM_ATTR stored it on item ${piece.seqId}.`);
  return { ...run, newSeq: piece.seqId, lineIds };
}

export type { StoredRecord };
