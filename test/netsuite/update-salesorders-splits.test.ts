/**
 * HC_SC_UpdateSalesOrders, split lines (feeds.md v2): rows of a sales order with a new piece go
 * through N/record (one load, one save), the others through the CSV import; refused rows land in
 * `update/error/{file}.errors.csv`. The id export HC_MR_ExportedSalesOrderItemCSV is not part of
 * this project, so the tests read the sales order records directly.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import './emulator/sublistInsert';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';

const SCRIPT = 'HC_SC_UpdateSalesOrders';
const INBOX = 'salesorder/update';
const HEADER = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId';
const REPORT_HEADER = 'row,internalId,lineId,orderLineId,message';

let env: NsEnv;
let item = '';
let east = '';
let west = '';
const ls = (rel: string) => env.sftp.ls(env.path(rel));
const put = (name: string, rows: string[]) => env.sftp.put(env.path(`${INBOX}/${name}`), `${HEADER}\n${rows.join('\n')}\n`);
const lines = (so: string) =>
  env.store.must('salesorder', so).sublists.item.map((l) => ({ line: l.line, qty: l.quantity, loc: l.location, seq: l.custcol_oms_order_line_id, rate: l.rate, closed: l.isclosed }));
const savesOf = new Map<string, number>();

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  item = env.item();
  east = env.location('East Warehouse');
  west = env.location('West Warehouse');
  savesOf.clear();
  env.store.failWhen((r, op) => {
    if (op === 'save' && r.type === 'salesorder') savesOf.set(r.id, (savesOf.get(r.id) ?? 0) + 1);
    return undefined;
  });
});

/** Runs the script, lets every import job finish, and runs it again to archive. */
function runToArchive(): void {
  runScheduled(env, SCRIPT);
  env.tasks.runPending();
  runScheduled(env, SCRIPT);
}

describe('HC_SC_UpdateSalesOrders: split lines through N/record', () => {
  it('splits a line across two warehouses in one save; other orders of the file still go through the CSV import', () => {
    const split = env.salesOrder('OMS1', [{ item, quantity: 5, location: east, orderLineId: '00101', rate: 12 }]);
    const plain = env.salesOrder('OMS2', [{ item, quantity: 4, location: east, orderLineId: '00201' }]);
    put('brokered_1.csv', [`${split},1,${item},${east},3,F,F,00101`, `${plain},1,${item},${west},4,F,F,00201`, `${split},,${item},${west},2,F,F,00102`]);

    runScheduled(env, SCRIPT);
    expect(lines(split)).toEqual([
      { line: '1', qty: 3, loc: east, seq: '00101', rate: 12, closed: false },
      { line: '2', qty: 2, loc: west, seq: '00102', rate: 12, closed: false },
    ]);
    expect(savesOf.get(split)).toBe(1);
    expect(env.tasks.tasks.map((t) => t.content)).toEqual([`${HEADER}\n${plain},1,${item},${west},4,F,F,00201\n`]);

    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(lines(plain)).toEqual([{ line: '1', qty: 4, loc: west, seq: '00201', rate: 10, closed: false }]);
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_1.csv']);
    expect(ls(`${INBOX}/error`)).toEqual([]);
    expect(savesOf.get(split)).toBe(1); // checked again at the end, not saved again
  });

  it('adds a piece at a store with an empty location, and closes a line with closed=T in the same save', () => {
    const so = env.salesOrder('OMS3', [
      { item, quantity: 3, location: east, orderLineId: '00301' },
      { item, quantity: 1, location: east, orderLineId: '00302' },
    ]);
    put('brokered_2.csv', [`${so},1,${item},${east},1,F,F,00301`, `${so},,${item},,2,F,F,00303`, `${so},2,${item},,1,T,F,00302`]);
    runToArchive();
    expect(lines(so)).toEqual([
      { line: '1', qty: 1, loc: east, seq: '00301', rate: 10, closed: false },
      { line: '2', qty: 1, loc: east, seq: '00302', rate: 10, closed: true },
      { line: '3', qty: 2, loc: undefined, seq: '00303', rate: 10, closed: false },
    ]);
    expect(savesOf.get(so)).toBe(1);
    expect(env.tasks.tasks).toHaveLength(0); // nothing left for the CSV import
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_2.csv']);
  });

  it('reports the rows of a sales order whose save fails, under their row numbers, with the import refusals', () => {
    const bad = env.salesOrder('OMS4', [{ item, quantity: 2, location: east, orderLineId: '00401' }]);
    const good = env.salesOrder('OMS5', [{ item, quantity: 2, location: east, orderLineId: '00501' }]);
    env.store.failWhen((r, op) => (op === 'save' && r.id === bad ? Object.assign(new Error('Record has been changed'), { name: 'RCRD_HAS_BEEN_CHANGED' }) : undefined));
    put('brokered_3.csv', [`${good},1,${item},${west},2,F,F,00501`, `${bad},1,${item},${east},1,F,F,00401`, `${bad},,${item},${west},1,F,F,00402`, `${good},9,${item},${west},1,F,F,00509`]);
    runToArchive();

    expect(lines(bad)).toEqual([{ line: '1', qty: 2, loc: east, seq: '00401', rate: 10, closed: false }]);
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_3.csv']);
    const report = env.sftp.read(env.path(`${INBOX}/error/brokered_3.errors.csv`))!.trim().split('\n');
    expect(report[0]).toBe(REPORT_HEADER);
    expect(report.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([`1,${good},1,00501`, `2,${bad},1,00401`, `3,${bad},,00402`, `4,${good},9,00509`]);
    expect(report[2]).toContain('RCRD_HAS_BEEN_CHANGED');
    expect(report[3]).toContain('RCRD_HAS_BEEN_CHANGED');
  });

  it('never adds a piece twice: a re-sent file (new name, same rows) finds the line by its orderLineId', () => {
    const so = env.salesOrder('OMS6', [{ item, quantity: 4, location: east, orderLineId: '00601' }]);
    const rows = [`${so},1,${item},${east},1,F,F,00601`, `${so},,${item},${west},3,F,F,00602`];
    put('brokered_4.csv', rows);
    runToArchive();
    put('brokered_4_resent.csv', rows);
    runToArchive();
    expect(lines(so).map((l) => [l.seq, l.qty, l.loc])).toEqual([
      ['00601', 1, east],
      ['00602', 3, west],
    ]);
    expect(savesOf.get(so)).toBe(1);
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_4.csv', 'brokered_4_resent.csv']);
  });

  it('stops before its budget runs out and carries on next run, without a second line or an early import', () => {
    const a = env.salesOrder('OMS7', [{ item, quantity: 2, location: east, orderLineId: '00701' }]);
    const b = env.salesOrder('OMS8', [{ item, quantity: 2, location: east, orderLineId: '00801' }]);
    put('brokered_5.csv', [`${a},1,${item},${east},1,F,F,00701`, `${a},,${item},${west},1,F,F,00702`, `${b},1,${item},${east},1,F,F,00801`, `${b},,${item},${west},1,F,F,00802`]);

    runScheduled(env, SCRIPT, 900);
    expect(env.gov.exceeded).toBe(false);
    expect(lines(a)).toHaveLength(2);
    expect(lines(b)).toHaveLength(1);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(ls(INBOX)).toEqual(['brokered_5.csv']);
    expect(env.logs.some((l) => /stopping, governance low/.test(l.title))).toBe(true);

    runToArchive();
    expect(lines(a).map((l) => l.seq)).toEqual(['00701', '00702']);
    expect(lines(b).map((l) => l.seq)).toEqual(['00801', '00802']);
    expect([savesOf.get(a), savesOf.get(b)]).toEqual([1, 1]);
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_5.csv']);
    // Every row went through N/record and applied: no row refused, so no refusal report (feeds.md v2 "Refusals":
    // a report lists the rows NetSuite could not apply; a file the CSV import applied whole has none either).
    expect(ls(`${INBOX}/error`)).toEqual([]);
  });

  it('a file of split rows only, one sales order refused: its rows are reported, the applied order is not', () => {
    const bad = env.salesOrder('OMS9', [{ item, quantity: 2, location: east, orderLineId: '00901' }]);
    const good = env.salesOrder('OMS10', [{ item, quantity: 2, location: east, orderLineId: '01001' }]);
    env.store.failWhen((r, op) => (op === 'save' && r.id === bad ? Object.assign(new Error('Record has been changed'), { name: 'RCRD_HAS_BEEN_CHANGED' }) : undefined));
    put('brokered_6.csv', [`${good},1,${item},${east},1,F,F,01001`, `${good},,${item},${west},1,F,F,01002`, `${bad},1,${item},${east},1,F,F,00901`, `${bad},,${item},${west},1,F,F,00902`]);
    runToArchive();
    expect(env.tasks.tasks).toHaveLength(0);
    expect(lines(good).map((l) => l.seq)).toEqual(['01001', '01002']);
    expect(ls(`${INBOX}/archive`)).toEqual(['brokered_6.csv']);
    const report = env.sftp.read(env.path(`${INBOX}/error/brokered_6.errors.csv`))!.trim().split('\n');
    expect(report[0]).toBe(REPORT_HEADER);
    expect(report.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([`3,${bad},1,00901`, `4,${bad},,00902`]);
  });
});
