/**
 * HC_MR_ExportedRejectedSalesOrderItemCSV (+ HC_UE_ResetRejectedItemExport) against fake
 * N/search, N/record, N/sftp and a Map/Reduce runner.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv } from './support/env';
import { formatDateTime, parseDateTime } from './support/fakes/misc';
import type { FakeRecord, Fields, UserEventContext } from './support/fakes/records';
import { runMapReduce } from './support/mapreduce';

const SCRIPT = 'HC_MR_ExportedRejectedSalesOrderItemCSV';
const DIR = 'salesorder/rejectedorderitem';
const P = 'custscript_oms_rej_';
const HEADER = 'orderId,orderItemSeqId,rejectionComments,rejectionReason';
const V2_HEADER = `${HEADER},facilityId,rejectionId`;
const NAME_RE = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}[a-z0-9]+-RejectedSalesOrderItemExport\.csv$/;
const DEFAULT_COMMENT = 'Order Item Rejected from NetSuite';

interface LineSpec {
  line: number;
  seq: string;
  rejected?: boolean;
  location?: string;
  comments?: string;
  reason?: string;
}

let env: NsEnv;
const files = () => env.sftp.ls(env.path(DIR));
const raw = (name: string) => env.sftp.read(env.path(`${DIR}/${name}`))!;
/** `{so}-{line}-{epoch ms of the batch stamp}` (feeds.md v2). */
const REJECTION_ID_RE = /^\d+-\d+-\d{13}$/;
/**
 * The file with each row's v2 tail (`facilityId,rejectionId`) checked and cut off, so the older
 * assertions on the first four columns still read as they did. Rows here never hold a quoted newline
 * at their end.
 */
const read = (name: string) =>
  raw(name)
    .split('\n')
    .map((l, i) => {
      if (l === '') return l;
      if (i === 0) return l.replace(/,facilityId,rejectionId$/, '');
      const m = /^(.*),([^,]*),([^,]*)$/s.exec(l)!;
      if (REJECTION_ID_RE.test(m[3])) {
        expect(m[2]).toMatch(/^\d*$/);
        return m[1];
      }
      return l;
    })
    .join('\n');
const state = () => env.store.all('customrecord_oms_last_runtime_export')[0];
const batchRecords = () =>
  env.store
    .all('customrecord_oms_id_export')
    .filter((r) => r.fields.custrecord_oms_idx_feed === 'salesorder/rejectedorderitem')
    .map((r) => r.fields);
const lines = (soId: string) => env.store.must('salesorder', soId).sublists.item;

function salesOrder(orderId: string, specs: LineSpec[], modified = new Date()): string {
  const item: Fields[] = specs.map((l) => ({
    line: String(l.line),
    item: '55',
    quantity: 1,
    location: l.location ?? '7',
    custcol_oms_order_line_id: l.seq,
    custcol_oms_order_item_rejected: l.rejected ?? false,
    custcol_oms_rej_export_batch: '',
    custcol_test_rej_comments: l.comments ?? '',
    custcol_test_rej_reason: l.reason ?? '',
  }));
  return env.store.insert('salesorder', { custbody_oms_order_id: orderId, lastmodifieddate: modified }, { item });
}

/** The `lastmodifieddate` term of the last rejected-items search. */
function windowTerm(): unknown[] | undefined {
  const s = [...env.store.searches].reverse().find((x) => x.searchType === 'salesorder');
  const find = (e: unknown): unknown[] | undefined => {
    if (!Array.isArray(e)) return undefined;
    if (e[0] === 'lastmodifieddate') return e;
    for (const x of e) {
      const f = find(x);
      if (f) return f;
    }
    return undefined;
  };
  return find(s?.filterExpression);
}

/** Edits a sales order as NetSuite would (beforeSubmit user events run on save). */
function editLine(soId: string, line: number, values: Fields): void {
  const rec = (env.modules['N/record'] as { load(o: object): FakeRecord }).load({ type: 'salesorder', id: soId });
  const idx = rec.findSublistLineWithValue({ sublistId: 'item', fieldId: 'line', value: String(line) });
  for (const [fieldId, value] of Object.entries(values)) rec.setSublistValue({ sublistId: 'item', fieldId, line: idx, value });
  rec.save();
}

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  env.params[`${P}comments_field`] = 'custcol_test_rej_comments';
  env.params[`${P}reason_field`] = 'custcol_test_rej_reason';
});

describe('HC_MR_ExportedRejectedSalesOrderItemCSV', () => {
  it('writes the exact header and RFC 4180 cells, uploads via .part, and stamps the exported lines', () => {
    const so1 = salesOrder('OMS1001', [
      { line: 1, seq: '00101', rejected: true },
      { line: 2, seq: '00102' },
    ]);
    const so2 = salesOrder('OMS1002', [{ line: 3, seq: '00301', rejected: true, comments: '=HYPERLINK("x"), then\nnew line', reason: 'NOT_IN_STOCK' }]);
    env.store.insert('salesorder', { custbody_oms_order_id: '' }, { item: [{ line: '1', custcol_oms_order_line_id: '00101', custcol_oms_order_item_rejected: true }] });

    const before = Date.now();
    const run = runMapReduce(env, SCRIPT);
    expect(run).toMatchObject({ inputError: '', mapErrors: [], reduceErrors: [] });

    const [name, ...others] = files();
    expect(others).toEqual([]);
    expect(name).toMatch(NAME_RE);
    expect(read(name)).toBe(
      `${HEADER}\n` +
        `OMS1001,00101,${DEFAULT_COMMENT},\n` +
        `OMS1002,00301,"'=HYPERLINK(""x""), then\nnew line",NOT_IN_STOCK\n`,
    );
    expect(env.sftp.calls.filter((c) => c.op === 'upload').map((c) => c.path)).toEqual([env.path(`${DIR}/${name}.part`)]);

    const batch = String(lines(so1)[0].custcol_oms_rej_export_batch);
    expect(name.startsWith(batch.slice(0, 19))).toBe(true);
    expect(lines(so1).map((l) => l.custcol_oms_rej_export_batch)).toEqual([batch, '']);
    expect(lines(so2).map((l) => l.custcol_oms_rej_export_batch)).toEqual([batch]);
    expect(batchRecords().map((b) => [b.name, b.custrecord_oms_idx_status, b.custrecord_oms_idx_file])).toEqual([[batch, 'DONE', name]]);

    const s = state().fields;
    expect((s.custrecord_oms_rej_so_item_ex_date as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((s.custrecord_oms_rej_so_item_ex_date as Date).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('writes the v2 columns: facilityId = the line\'s location, rejectionId = {so}-{line}-{batch time in epoch ms}', () => {
    const so = salesOrder('OMS1001', [{ line: 4, seq: '00104', rejected: true, location: '12' }]);
    runMapReduce(env, SCRIPT);
    const batch = String(lines(so)[0].custcol_oms_rej_export_batch);
    const [stamp, rest] = batch.split('.');
    const [y, mo, d, h, mi, se] = stamp.split('-').map(Number);
    const ms = Date.UTC(y, mo - 1, d, h, mi, se, Number(rest.slice(0, 3)));
    expect(raw(files()[0])).toBe(`${V2_HEADER}\nOMS1001,00104,${DEFAULT_COMMENT},,12,${so}-4-${ms}\n`);
  });

  it('does not export a line twice, and moves the last-run time even when there are no rows', () => {
    salesOrder('OMS1001', [{ line: 1, seq: '00101', rejected: true }]);
    runMapReduce(env, SCRIPT);
    expect(files()).toHaveLength(1);
    const first = state().fields.custrecord_oms_rej_so_item_ex_date as Date;

    env.store.must('customrecord_oms_last_runtime_export', state().id).fields.custrecord_oms_rej_so_item_ex_date = new Date(first.getTime() - 3600_000);
    const run = runMapReduce(env, SCRIPT);
    expect(run.output).toEqual([]);
    expect(files()).toHaveLength(1);
    expect((state().fields.custrecord_oms_rej_so_item_ex_date as Date).getTime()).toBeGreaterThan(first.getTime() - 1000);
  });

  it('sets the last-run time on a first run with nothing to export', () => {
    runMapReduce(env, SCRIPT);
    expect(files()).toEqual([]);
    expect(state().fields.custrecord_oms_rej_so_item_ex_date).toBeInstanceOf(Date);
    expect(batchRecords()).toEqual([]);
  });

  it('narrows the search with lastmodifieddate WITHIN both bounds (last run - overlap, run start + 1 min)', () => {
    runMapReduce(env, SCRIPT);
    expect(windowTerm()).toBeUndefined(); // first run: no last-run time yet, everything is looked at

    const lastRun = new Date(Date.now() - 3600_000);
    env.store.must('customrecord_oms_last_runtime_export', state().id).fields.custrecord_oms_rej_so_item_ex_date = lastRun;
    salesOrder('OMS_OLD', [{ line: 1, seq: '00101', rejected: true }], new Date(Date.now() - 3 * 3600_000));
    salesOrder('OMS_NEW', [{ line: 1, seq: '00101', rejected: true }]);
    const start = Date.now();
    runMapReduce(env, SCRIPT);

    const term = windowTerm()!;
    expect(term).toHaveLength(4);
    expect(term.slice(0, 2)).toEqual(['lastmodifieddate', 'within']);
    expect(term[2]).toBe(formatDateTime(new Date(lastRun.getTime() - 15 * 60_000)));
    const end = parseDateTime(String(term[3])).getTime();
    expect(end).toBeGreaterThan(start);
    expect(end).toBeLessThanOrEqual(Date.now() + 60_000);
    const rows = files().flatMap((f) => read(f).trim().split('\n').slice(1));
    expect(rows).toEqual([`OMS_NEW,00101,${DEFAULT_COMMENT},`]);
  });

  it('also exports lines at the "Rejected Orders" location when that location is configured', () => {
    env.params[`${P}rejected_location`] = '8';
    salesOrder('OMS1001', [
      { line: 1, seq: '00101', location: '8' },
      { line: 2, seq: '00102', location: '7' },
    ]);
    runMapReduce(env, SCRIPT);
    expect(read(files()[0])).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\n`);
  });

  it('can take its rejection criteria from a saved search, still ANDed with the export filters', () => {
    env.store.savedSearches.set('customsearch_oms_rejected_lines', { type: 'salesorder', filterExpression: [['location', 'anyof', '9']], columns: ['tranid'] });
    env.params[`${P}saved_search`] = 'customsearch_oms_rejected_lines';
    salesOrder('OMS1001', [
      { line: 1, seq: '00101', location: '9' },
      { line: 2, seq: '00102', rejected: true },
      { line: 3, seq: '', location: '9' },
    ]);
    runMapReduce(env, SCRIPT);
    expect(read(files()[0])).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\n`);
    runMapReduce(env, SCRIPT);
    expect(files()).toHaveLength(1);
  });

  it('marks no line when the upload fails, and sends the same lines under the same batch next run', () => {
    const so = salesOrder('OMS1001', [{ line: 1, seq: '00101', rejected: true }]);
    env.sftp.failWhen((c) => (c.op === 'upload' ? Object.assign(new Error('connection reset'), { name: 'FTP_TRANSFER_FAILED' }) : undefined));
    runMapReduce(env, SCRIPT);
    expect(files()).toEqual([]);
    expect(lines(so)[0].custcol_oms_rej_export_batch).toBe('');
    const [pending] = batchRecords();
    expect(pending.custrecord_oms_idx_status).toBe('PENDING');
    expect(state().fields.custrecord_oms_rej_so_item_ex_date ?? null).toBeNull();

    env.sftp.clearFailures();
    salesOrder('OMS1002', [{ line: 1, seq: '00101', rejected: true }]);
    runMapReduce(env, SCRIPT);
    expect(files()).toEqual([pending.custrecord_oms_idx_file]);
    expect(read(files()[0])).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\nOMS1002,00101,${DEFAULT_COMMENT},\n`);
    expect(lines(so)[0].custcol_oms_rej_export_batch).toBe(pending.name);
    expect(batchRecords().map((b) => b.custrecord_oms_idx_status)).toEqual(['DONE']);
    expect(state().fields.custrecord_oms_rej_so_item_ex_date).toBeInstanceOf(Date);
  });

  it('keeps the last-run time when a line lacks its OMS id, but still exports the good ones', () => {
    runMapReduce(env, SCRIPT);
    const lastRun = new Date(Date.now() - 3600_000);
    env.store.must('customrecord_oms_last_runtime_export', state().id).fields.custrecord_oms_rej_so_item_ex_date = lastRun;
    salesOrder('OMS1001', [
      { line: 1, seq: '00101', rejected: true },
      { line: 2, seq: '  ', rejected: true },
    ]);
    runMapReduce(env, SCRIPT);
    expect(read(files()[0])).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\n`);
    expect(state().fields.custrecord_oms_rej_so_item_ex_date).toEqual(lastRun);
  });

  it('a sales order that cannot be saved is not sent again, and is set aside and reported after 3 tries', () => {
    const so1 = salesOrder('OMS1001', [{ line: 1, seq: '00101', rejected: true }]);
    const so2 = salesOrder('OMS1002', [{ line: 1, seq: '00201', rejected: true }]);
    env.store.failWhen((r, op) => (op === 'save' && r.id === so2 ? Object.assign(new Error('Record has been changed'), { name: 'RCRD_HAS_BEEN_CHANGED' }) : undefined));
    for (let tryNo = 1; tryNo <= 3; tryNo++) {
      const run = runMapReduce(env, SCRIPT);
      expect(run.reduceErrors.map(([k]) => k)).toEqual([so2]);
      expect(batchRecords()[0].custrecord_oms_idx_status).toBe(tryNo < 3 ? 'UPLOADED' : 'DONE');
    }
    const [file] = files();
    expect(files()).toEqual([file]); // one upload, whatever the retries
    expect(read(file)).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\nOMS1002,00201,${DEFAULT_COMMENT},\n`);
    expect(lines(so1)[0].custcol_oms_rej_export_batch).not.toBe('');
    expect(lines(so2)[0].custcol_oms_rej_export_batch).toBe('');
    const aside = batchRecords().find((b) => b.custrecord_oms_idx_status === 'SET_ASIDE')!;
    expect(aside.custrecord_oms_idx_keys).toBe(`${so2}:1:00201`);
    const report = env.sftp.read(env.path(`${DIR}/error/${file.replace(/\.csv$/, '.errors.csv')}`))!;
    expect(report.split('\n')[0]).toBe('row,internalId,lineId,orderLineId,message');
    expect(report.split('\n')[1]).toMatch(new RegExp(`^2,${so2},1,00201,.*RCRD_HAS_BEEN_CHANGED`));

    runMapReduce(env, SCRIPT); // the set-aside line is not exported again
    expect(files()).toEqual([file]);
    env.store.clearFailures();
  });

  it('exports a line again after the OMS cleared its rejection and NetSuite rejected it once more', () => {
    const ue = env.load<{ beforeSubmit(ctx: UserEventContext): void }>('HC_UE_ResetRejectedItemExport');
    env.store.onBeforeSubmit('salesorder', (ctx) => ue.beforeSubmit(ctx));
    const so = salesOrder('OMS1001', [{ line: 1, seq: '00101', rejected: true }]);
    runMapReduce(env, SCRIPT);
    expect(files()).toHaveLength(1);

    editLine(so, 1, { custcol_oms_order_item_rejected: false, location: '12' }); // OMS re-brokered: rejected=F
    expect(lines(so)[0].custcol_oms_rej_export_batch).toBe('');
    editLine(so, 1, { custcol_oms_order_item_rejected: true }); // the new location rejects it too
    runMapReduce(env, SCRIPT);

    const all = files();
    expect(all).toHaveLength(2); // a second file, never a replacement (within one second it gets `-2-`)
    for (const f of all) expect(read(f)).toBe(`${HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},\n`);
    expect(all.every((f) => f.endsWith('-RejectedSalesOrderItemExport.csv'))).toBe(true);
  });

  it('the user event clears the batch only when the rejected flag or the location changes', () => {
    const ue = env.load<{ beforeSubmit(ctx: UserEventContext): void }>('HC_UE_ResetRejectedItemExport');
    env.store.onBeforeSubmit('salesorder', (ctx) => ue.beforeSubmit(ctx));
    env.params[`${P}rejected_location`] = '8';
    const so = salesOrder('OMS1001', [
      { line: 1, seq: '00101', rejected: true },
      { line: 2, seq: '00102', location: '8' },
      { line: 3, seq: '00103', rejected: true },
    ]);
    runMapReduce(env, SCRIPT);
    editLine(so, 1, { quantity: 2 });
    editLine(so, 2, { quantity: 2 });
    expect(lines(so).map((l) => l.custcol_oms_rej_export_batch === '')).toEqual([false, false, false]);
    editLine(so, 3, { location: '12' });
    expect(lines(so).map((l) => l.custcol_oms_rej_export_batch === '')).toEqual([false, false, true]);
    runMapReduce(env, SCRIPT); // still rejected at its new location: a new rejection, sent once
    expect(files()).toHaveLength(2);
    runMapReduce(env, SCRIPT);
    expect(files()).toHaveLength(2);
  });

  it('in location mode, facilityId is the location the line left for "Rejected Orders"', () => {
    const ue = env.load<{ beforeSubmit(ctx: UserEventContext): void }>('HC_UE_ResetRejectedItemExport');
    env.store.onBeforeSubmit('salesorder', (ctx) => ue.beforeSubmit(ctx));
    env.params[`${P}rejected_location`] = '8';
    const so = salesOrder('OMS1001', [{ line: 1, seq: '00101', location: '12' }]);
    editLine(so, 1, { location: '8' }); // NetSuite moves the line it cannot fulfil to "Rejected Orders"
    expect(lines(so)[0].custcol_oms_rej_prev_location).toBe('12');
    runMapReduce(env, SCRIPT);
    expect(raw(files()[0])).toMatch(new RegExp(`^${V2_HEADER}\nOMS1001,00101,${DEFAULT_COMMENT},,12,${so}-1-\\d{13}\n$`));
  });
});

describe('rejected items CSV files', () => {
  it('splits a large batch into parts that each carry the header and keep the OMS name pattern', () => {
    const lib = createEnv().load<{ csvFiles(b: string, rows: object[], max: number): { name: string; contents: string }[] }>('lib/rejectedItems');
    const rows = Array.from({ length: 5 }, (_, i) => ({ orderId: `OMS${i}`, orderItemSeqId: '00101', rejectionComments: 'c', rejectionReason: '', facilityId: '7', rejectionId: `1${i}-1-1` }));
    const docs = lib.csvFiles('2026-01-05-10-00-00', rows, 120);
    expect(docs.length).toBeGreaterThan(1);
    expect(docs[0].name).toBe('2026-01-05-10-00-00-RejectedSalesOrderItemExport.csv');
    expect(docs[1].name).toBe('2026-01-05-10-00-00-p2-RejectedSalesOrderItemExport.csv');
    for (const d of docs) {
      expect(d.contents.startsWith(`${V2_HEADER}\n`)).toBe(true);
      expect(Buffer.byteLength(d.contents)).toBeLessThanOrEqual(120);
    }
    expect(docs.flatMap((d) => d.contents.trim().split('\n').slice(1))).toHaveLength(5);
  });
});

describe('rejected items summarize work', () => {
  it('measures each of 25,000 lines once (linear), where the old writer re-measured the whole file per row', () => {
    const lib = createEnv().load<{ csvFiles(b: string, rows: object[], max: number, meter: { chars: number }): { contents: string }[] }>('lib/rejectedItems');
    const rows = Array.from({ length: 25_000 }, (_, i) => ({
      orderId: `OMS${i}`,
      orderItemSeqId: '00101',
      rejectionComments: DEFAULT_COMMENT,
      rejectionReason: 'NOT_IN_STOCK',
      facilityId: '7',
      rejectionId: `${100 + i}-1-1767607200000`,
    }));
    const meter = { chars: 0 };
    const docs = lib.csvFiles('2026-01-05-10-00-00', rows, 9_000_000, meter);
    const total = docs.reduce((n, d) => n + d.contents.length, 0);
    expect(docs.flatMap((d) => d.contents.trim().split('\n').slice(1))).toHaveLength(25_000);
    expect(meter.chars).toBeLessThanOrEqual(total); // quadratic would be about 12,500 times the file
  });
});
