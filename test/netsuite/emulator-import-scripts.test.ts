/**
 * The two import scripts against the emulator, for the bugs of the review: refused rows of a
 * COMPLETE import, duplicates by name + hash, the user's date format, oversized files, and an
 * exhausted governance budget.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';

const UPSO = 'HC_SC_UpdateSalesOrders';
const INVADJ = 'HC_SC_ImportInventoryAdjustment';
const SO_HEADER = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n';
const IA_HEADER = 'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location\n';

let env: NsEnv;
let item = '';
let loc1 = '';
let loc2 = '';
const ls = (rel: string) => env.sftp.ls(env.path(rel));
const read = (rel: string) => env.sftp.read(env.path(rel));
const lines = (so: string) => env.store.must('salesorder', so).sublists.item;

/** Runs the script, lets NetSuite finish the imports, runs it again to pick up the outcome. */
function importAll(script: string): void {
  runScheduled(env, script);
  env.tasks.runPending();
  runScheduled(env, script);
}

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  item = env.item();
  loc1 = env.location('East');
  loc2 = env.location('West');
});

describe('HC_SC_UpdateSalesOrders: a COMPLETE import with refused rows', () => {
  function scenario() {
    const a = env.salesOrder('OMS1', [{ item, quantity: 2, location: loc1, orderLineId: '00101' }]);
    const b = env.salesOrder('OMS2', [{ item, quantity: 1, location: loc1, orderLineId: '00201' }]);
    const name = 'brokeredOrderItemsFeed_2026-01-05-10-00-00_r1.csv';
    env.sftp.put(
      env.path(`salesorder/update/${name}`),
      SO_HEADER +
        `${a},1,${item},${loc2},1,F,F,00101\n` + // applied
        `${a},,${item},${loc1},1,F,F,00102\n` + // split piece: new line
        `${b},9,${item},${loc2},1,F,F,00201\n` + // no line 9
        `88888,1,${item},${loc2},1,F,F,00301\n`, // no such order
    );
    return { a, b, name };
  }

  it('writes update/error/<file>.errors.csv (row,internalId,lineId,orderLineId,message) and still archives the file', () => {
    const { a, b, name } = scenario();
    importAll(UPSO);
    expect(ls('salesorder/update/archive')).toEqual([name]);
    expect(lines(a).map((l) => [l.line, l.quantity, l.location])).toEqual([['1', 1, loc2], ['2', 1, loc1]]);
    expect(lines(b)[0].location).toBe(loc1);
    const report = read(`salesorder/update/error/${name.replace(/\.csv$/, '.errors.csv')}`)!;
    const rows = report.trim().split('\n');
    expect(rows[0]).toBe('row,internalId,lineId,orderLineId,message');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4).join(','))).toEqual([`3,${b},9,00201`, '4,88888,1,00301']);
    expect(rows[1]).toMatch(/Invalid line reference/);
    expect(rows[2]).toMatch(/That record does not exist/);
    const track = env.store.all(env.ids.IMPORT_TASK.type)[0].fields;
    expect(track[env.ids.IMPORT_TASK.status]).toBe('COMPLETE');
    expect(String(track[env.ids.IMPORT_TASK.message])).toMatch(/^2 row\(s\) refused/);
  });

  it('without a response file, finds the same refused rows by reading the orders back', () => {
    env.tasks.exposeResponseFile = false;
    const { b, name } = scenario();
    importAll(UPSO);
    const rows = read(`salesorder/update/error/${name.replace(/\.csv$/, '.errors.csv')}`)!.trim().split('\n');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4).join(','))).toEqual([`3,${b},9,00201`, '4,88888,1,00301']);
    expect(rows[1]).toMatch(/not applied by CSV import task CSVIMPORT_1/);
    expect(ls('salesorder/update/archive')).toEqual([name]);
  });

  it('writes no row report when every row applied', () => {
    const a = env.salesOrder('OMS1', [{ item, quantity: 2, location: loc1, orderLineId: '00101' }]);
    env.sftp.put(env.path('salesorder/update/ok.csv'), `${SO_HEADER}${a},1,${item},${loc2},1,F,F,00101\n`);
    importAll(UPSO);
    expect(ls('salesorder/update/error')).toEqual([]);
    expect(ls('salesorder/update/archive')).toEqual(['ok.csv']);
  });
});

describe('HC_SC_ImportInventoryAdjustment', () => {
  let account = '';
  let sub = '';
  const row = (ref: string, qty: number, date = '1/5/2026', acct = account) => `${ref},${acct},${item},${qty},${loc1},${date},VAR_DAMAGED order OMS1,${sub},${ref},${loc1}\n`;

  beforeEach(() => {
    account = env.account();
    sub = env.subsidiary();
  });

  it('reads Date as M/D/YYYY whatever the user\'s date format preference is', () => {
    for (const fmt of ['D/M/YYYY', 'YYYY-MM-DD', 'DD.MM.YYYY', 'M/D/YYYY', 'DD-Mon-YYYY']) {
      env = createEnv({ dateFormat: fmt });
      item = env.item();
      loc1 = env.location();
      account = env.account();
      sub = env.subsidiary();
      env.sftp.put(env.path('inventoryadjustment/csv/a.csv'), IA_HEADER + row('V1', -1, '1/5/2026') + row('V2', 2, '12/31/2025'));
      importAll(INVADJ);
      const days = env.store.all('inventoryadjustment').map((r) => (r.fields.trandate as Date).toISOString().slice(0, 10));
      expect(days, fmt).toEqual(['2026-01-05', '2025-12-31']);
      expect(ls('inventoryadjustment/archive'), fmt).toEqual(['a.csv']);
    }
  });

  it('refuses a row with a date that is not M/D/YYYY before the import and reports it with the import\'s refusals', () => {
    env.sftp.put(env.path('inventoryadjustment/csv/b.csv'), IA_HEADER + row('V1', -1) + row('V2', 1, '2026-01-05') + row('V3', 1, '1/5/2026', '999'));
    importAll(INVADJ);
    expect(env.store.all('inventoryadjustment').map((r) => r.fields.externalid)).toEqual(['V1']);
    const rows = read('inventoryadjustment/csv/error/b.errors.csv')!.trim().split('\n');
    expect(rows[0]).toBe('row,externalId,message');
    expect(rows[1]).toMatch(/^2,V2,.*M\/D\/YYYY/);
    expect(rows[2]).toMatch(/^3,V3,Invalid account reference key 999/); // row 2 of the imported text, row 3 of the file
    expect(ls('inventoryadjustment/archive')).toEqual(['b.csv']);
  });

  it('imports the same variance sent again under a new name once: the adjustment is updated, not doubled', () => {
    env.sftp.put(env.path('inventoryadjustment/csv/a.csv'), IA_HEADER + row('V1', -3));
    importAll(INVADJ);
    env.sftp.put(env.path('inventoryadjustment/csv/a-resent.csv'), IA_HEADER + row('V1', -3));
    importAll(INVADJ);
    expect(env.tasks.tasks).toHaveLength(2); // a new name is read again (contract v2)
    const all = env.store.all('inventoryadjustment');
    expect(all).toHaveLength(1);
    expect(all[0].sublists.inventory.map((l) => l.adjustqtyby)).toEqual([-3]);
  });
});

describe('file size limit (N/file holds at most 10 MB)', () => {
  const big = (header: string) => header + 'x'.repeat(10 * 1024 * 1024) + '\n';

  it('moves an oversized update file to failed/ without downloading it', () => {
    env.sftp.put(env.path('salesorder/update/huge.csv'), big(SO_HEADER));
    runScheduled(env, UPSO);
    expect(env.sftp.calls.filter((c) => c.op === 'download')).toEqual([]);
    expect(ls('salesorder/update/failed')).toEqual(['huge.csv']);
    const [report] = ls('salesorder/update/error');
    expect(read(`salesorder/update/error/${report}`)).toMatch(/over the 10 MB/);
    expect(env.tasks.tasks).toEqual([]);
  });

  it('moves an oversized inventory file to failed/, also when the listing understates its size', () => {
    env.sftp.put(env.path('inventoryadjustment/csv/huge.csv'), big(IA_HEADER));
    env.sftp.understateSizes = true;
    runScheduled(env, INVADJ);
    expect(ls('inventoryadjustment/failed')).toEqual(['huge.csv']);
    expect(env.tasks.tasks).toEqual([]);
    const [report] = ls('inventoryadjustment/error');
    expect(read(`inventoryadjustment/error/${report}`)).toMatch(/over the 10 MB/);
  });
});

describe('an exhausted governance budget', () => {
  it('at any budget, the run stops without losing a file or importing one twice; the next runs finish', () => {
    const outcomes = new Set<string>();
    for (let budget = 0; budget <= 1400; budget += 23) {
      env = createEnv();
      item = env.item();
      loc1 = env.location();
      env.params.custscript_oms_upso_max_in_flight = 3;
      const orders = [1, 2, 3].map((n) => env.salesOrder(`OMS${n}`, [{ item, quantity: 9, location: loc1, orderLineId: '00101' }]));
      orders.forEach((so, i) => env.sftp.put(env.path(`salesorder/update/f${i}.csv`), `${SO_HEADER}${so},1,${item},${loc1},${i + 1},F,F,00101\n`));
      try {
        runScheduled(env, UPSO, budget);
        outcomes.add('stopped cleanly');
      } catch (e) {
        expect((e as { name?: string }).name, `budget ${budget}`).toBe('SSS_USAGE_LIMIT_EXCEEDED');
        expect(budget, 'only a budget below the setup cost can end the run this way').toBeLessThan(100);
        outcomes.add('ended by NetSuite');
      }
      for (let k = 0; k < 4; k++) importAll(UPSO);
      expect(ls('salesorder/update'), `budget ${budget}`).toEqual([]);
      expect(ls('salesorder/update/archive'), `budget ${budget}`).toEqual(['f0.csv', 'f1.csv', 'f2.csv']);
      expect(env.tasks.tasks.map((t) => t.name).sort(), `budget ${budget}`).toEqual(['f0.csv', 'f1.csv', 'f2.csv'].map((f) => `Update Sales Order-${f}`));
      expect(orders.map((so) => lines(so)[0].quantity), `budget ${budget}`).toEqual([1, 2, 3]);
    }
    expect([...outcomes].sort()).toEqual(['ended by NetSuite', 'stopped cleanly']);
  });
});
