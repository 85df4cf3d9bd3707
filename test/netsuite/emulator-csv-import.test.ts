/**
 * The emulator's N/task CSV import: it applies the project's saved import maps (found by globbing
 * netsuite/src/Objects/custimport_*.xml) to the in-memory records, asynchronously, row by row.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadImportMaps } from './emulator/importMaps';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv } from './support/env';
import type { FakeFile } from './support/fakes/misc';

type Task = { mappingId: string; importFile: unknown; name: string; submit(): string };
interface TaskModule {
  TaskType: { CSV_IMPORT: string };
  create(o: { taskType: string }): Task;
  checkStatus(o: { taskId: string }): { status: string; responseFile?: FakeFile };
}

let env: NsEnv;
let task: TaskModule;
let loc7: string;
let loc8: string;
let item: string;

function submit(mappingId: string, csv: string, name = 'test.csv'): string {
  const t = task.create({ taskType: task.TaskType.CSV_IMPORT });
  t.mappingId = mappingId;
  t.importFile = csv;
  t.name = `Test-${name}`;
  return t.submit();
}

const response = (taskId: string) => task.checkStatus({ taskId }).responseFile?.getContents();
const lines = (soId: string) => env.store.must('salesorder', soId).sublists[env.ids.SO.itemSublist];

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  task = env.modules['N/task'] as TaskModule;
  loc7 = env.location('East');
  loc8 = env.location('West');
  item = env.item('SKU-1');
});

describe('saved import maps', () => {
  it('are found by globbing the SDF objects and keyed by their script ids (the ones lib/fields names)', () => {
    const maps = loadImportMaps();
    for (const id of [env.ids.UPDATE_SALES_ORDERS.mappingId, env.ids.INVENTORY_ADJUSTMENTS.mappingId]) expect(maps.has(id), id).toBe(true);
    const so = maps.get(env.ids.UPDATE_SALES_ORDERS.mappingId)!;
    expect(so).toMatchObject({ recordType: 'SALESORDER', dataHandling: 'UPDATE', delimiter: ',', headerRow: true });
    expect(so.mappings.find((m) => m.field === 'ID')).toMatchObject({ column: 'internalId', record: 'SALESORDER' });
    expect(so.mappings.find((m) => m.field === 'LINE')).toMatchObject({ column: 'lineId', record: 'SALESORDER:ITEM' });
  });
});

describe('CSV import of sales order line updates', () => {
  const SO_HEADER = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n';

  it('is asynchronous: nothing changes until the emulator advances the job, PENDING → PROCESSING → COMPLETE', () => {
    const so = env.salesOrder('OMS1', [{ item, quantity: 3, location: loc7, orderLineId: '00101' }]);
    const id = submit(env.ids.UPDATE_SALES_ORDERS.mappingId, `${SO_HEADER}${so},1,${item},${loc8},2,F,F,00101\n`);
    expect(task.checkStatus({ taskId: id }).status).toBe('PENDING');
    expect(lines(so)[0].quantity).toBe(3);
    env.tasks.tick();
    expect(task.checkStatus({ taskId: id }).status).toBe('PROCESSING');
    expect(lines(so)[0].quantity).toBe(3);
    env.tasks.tick();
    expect(task.checkStatus({ taskId: id }).status).toBe('COMPLETE');
    expect(lines(so)[0]).toMatchObject({ quantity: 2, location: loc8, isclosed: false });
    expect(response(id)).toBe('row,message\n');
  });

  it('updates lines by LINE, adds a line for an empty lineId (a split piece) in one save of the order', () => {
    const so = env.salesOrder('OMS1', [{ item, quantity: 3, location: loc7, orderLineId: '00101', rate: 12.5 }]);
    const saves: string[] = [];
    env.store.onBeforeSubmit('salesorder', (ctx) => saves.push(`${ctx.type}:${ctx.executionContext}`));
    const id = submit(env.ids.UPDATE_SALES_ORDERS.mappingId, `${SO_HEADER}${so},1,${item},${loc7},1,F,F,00101\n${so},,${item},${loc8},2,F,F,00102\n`);
    env.tasks.runPending();
    expect(task.checkStatus({ taskId: id }).status).toBe('COMPLETE');
    const ls = lines(so);
    expect(ls).toHaveLength(2);
    expect(ls[0]).toMatchObject({ line: '1', quantity: 1, location: loc7 });
    expect(ls[1]).toMatchObject({ line: '2', item, quantity: 2, location: loc8, rate: 12.5, [env.ids.SO.lineId]: '00102' });
    expect(saves).toEqual(['edit:CSVIMPORT']); // the map runs server SuiteScript; one save
  });

  it('gives each row its own outcome; a refused row refuses its whole order; the job is still COMPLETE', () => {
    const a = env.salesOrder('OMS1', [{ item, quantity: 3, location: loc7, orderLineId: '00101' }]);
    const b = env.salesOrder('OMS2', [{ item, quantity: 1, location: loc7, orderLineId: '00201' }, { item, quantity: 1, location: loc7, orderLineId: '00202' }]);
    const c = env.salesOrder('OMS3', [{ item, quantity: 5, location: loc7, orderLineId: '00301' }]);
    const d = env.salesOrder('OMS4', [{ item, quantity: 5, location: loc7, orderLineId: '00401' }]);
    const csv =
      SO_HEADER +
      `${a},1,${item},${loc8},2,F,F,00101\n` + // 1 ok
      `99999,1,${item},${loc8},1,F,F,00901\n` + // 2 unknown record
      `${b},1,${item},${loc8},1,F,F,00201\n` + // 3 refused with row 4
      `${b},7,${item},${loc8},1,F,F,00202\n` + // 4 bad line key
      `${c},1,${item},${loc8},two,F,F,00301\n` + // 5 bad number
      `${d},1,${item},424242,1,F,F,00401\n`; // 6 bad location reference
    const id = submit(env.ids.UPDATE_SALES_ORDERS.mappingId, csv);
    env.tasks.runPending();
    expect(task.checkStatus({ taskId: id }).status).toBe('COMPLETE');
    const rows = response(id)!.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(rows).toEqual(['2', '3', '4', '5', '6']);
    const res = response(id)!;
    expect(res).toMatch(/^2,That record does not exist: SALESORDER internal id 99999/m);
    expect(res).toMatch(/^3,Not imported: row 4 of the same record was refused/m);
    expect(res).toMatch(/^4,Invalid line reference/m);
    expect(res).toMatch(/^5,Invalid number/m);
    expect(res).toMatch(/^6,Invalid location reference key 424242/m);
    expect(lines(a)[0].quantity).toBe(2);
    expect(lines(b).map((l) => l.location)).toEqual([loc7, loc7]);
    expect(lines(c)[0].quantity).toBe(5);
  });

  it('ends FAILED when the file has no key column, or when the job is failed by the test', () => {
    const id = submit(env.ids.UPDATE_SALES_ORDERS.mappingId, 'lineId,quantity\n1,2\n');
    const so = env.salesOrder('OMS1', [{ item, quantity: 3, location: loc7 }]);
    const id2 = submit(env.ids.UPDATE_SALES_ORDERS.mappingId, `${SO_HEADER}${so},1,${item},${loc8},2,F,F,\n`, 'other.csv');
    env.tasks.failJob('other.csv');
    env.tasks.runPending();
    expect(task.checkStatus({ taskId: id }).status).toBe('FAILED');
    expect(task.checkStatus({ taskId: id }).responseFile).toBeUndefined();
    expect(task.checkStatus({ taskId: id2 }).status).toBe('FAILED');
    expect(lines(so)[0].quantity).toBe(3);
  });

  it('refuses an unknown saved import at submit', () => {
    expect(() => submit('custimport_does_not_exist', SO_HEADER)).toThrow(/FAILED_TO_SUBMIT_JOB_REQUEST_1|no saved CSV import/);
  });
});

describe('CSV import of inventory adjustments', () => {
  const HEADER = 'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location\n';
  let account: string;
  let sub: string;
  const row = (ref: string, qty: number | string, date = '1/5/2026') => `${ref},${account},${item},${qty},${loc7},${date},VAR_DAMAGED,${sub},${ref},${loc7}\n`;

  beforeEach(() => {
    account = env.account();
    sub = env.subsidiary();
  });

  it('adds adjustments, reading the Date column in the importing user\'s date format', () => {
    env.prefs.dateFormat = 'D/M/YYYY';
    const id = submit(env.ids.INVENTORY_ADJUSTMENTS.mappingId, HEADER + row('V1', -2) + row('V2', 1, '13/1/2026'));
    env.tasks.runPending();
    expect(task.checkStatus({ taskId: id }).status).toBe('COMPLETE');
    const [v1, v2] = env.store.all('inventoryadjustment');
    expect((v1.fields.trandate as Date).toISOString().slice(0, 10)).toBe('2026-05-01'); // 1/5 read as 1 May
    expect((v2.fields.trandate as Date).toISOString().slice(0, 10)).toBe('2026-01-13');
    expect(v1.sublists.inventory).toEqual([{ line: '1', item, location: loc7, adjustqtyby: -2 }]);
    env.prefs.dateFormat = 'M/D/YYYY';
    const bad = submit(env.ids.INVENTORY_ADJUSTMENTS.mappingId, HEADER + row('V3', 1, '13/1/2026'), 'bad.csv');
    env.tasks.runPending();
    expect(response(bad)).toMatch(/^1,Invalid date value for trandate: 13\/1\/2026/m);
  });

  it('updates the adjustment with the same External ID instead of adding a second one, when the map keys on it', () => {
    const map = loadImportMaps().get(env.ids.INVENTORY_ADJUSTMENTS.mappingId)!;
    const keyed = map.mappings.some((m) => m.field === 'EXTERNALID' && m.column === 'HC Inventory Adj Id');
    expect(keyed, 'the inventory adjustment map sends HC Inventory Adj Id to EXTERNALID (contract v2)').toBe(true);
    submit(env.ids.INVENTORY_ADJUSTMENTS.mappingId, HEADER + row('V1', -2), 'a.csv');
    env.tasks.runPending();
    submit(env.ids.INVENTORY_ADJUSTMENTS.mappingId, HEADER + row('V1', -2), 'b.csv');
    env.tasks.runPending();
    const all = env.store.all('inventoryadjustment');
    expect(all).toHaveLength(1);
    expect(all[0].fields.externalid).toBe('V1');
    expect(all[0].sublists.inventory.map((l) => l.adjustqtyby)).toEqual([-2]); // never counted twice
  });

  it('refuses a row with a missing mandatory value or an unknown account', () => {
    const id = submit(env.ids.INVENTORY_ADJUSTMENTS.mappingId, HEADER + `V1,777,${item},-1,${loc7},1/5/2026,m,${sub},V1,${loc7}\n` + row('V2', ''));
    env.tasks.runPending();
    const res = response(id)!;
    expect(res).toMatch(/^1,Invalid account reference key 777/m);
    expect(res).toMatch(/^2,Please enter value\(s\) for: inventory adjustqtyby/m);
    expect(env.store.all('inventoryadjustment')).toEqual([]);
  });
});
