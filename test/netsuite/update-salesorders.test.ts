/**
 * HC_SC_UpdateSalesOrders against fake N/sftp, N/task, N/record, N/search and governance.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';

const SCRIPT = 'HC_SC_UpdateSalesOrders';
const INBOX = 'salesorder/update';
const P = 'custscript_oms_upso_';
const HEADER = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n';
const ERROR_NAME_RE = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-ErrorUpdateSalesOrder\.csv$/;

const feedFile = (n: number) => `brokeredOrderItemsFeed_2026-01-0${n}-10-00-00_run${n}.csv`;
let env: NsEnv;
let item = '';
let loc = '';
/** Sales orders 1..4, each with line 1. */
let orders: string[] = [];
const feedBody = (n: number) => `${HEADER}${orders[n]},1,${item},${loc},${n},F,F,0010${n}\n`;
const ls = (rel: string) => env.sftp.ls(env.path(rel));
const tracking = () => env.store.all('customrecord_oms_csv_import_task');
const put = (name: string, body: string) => env.sftp.put(env.path(`${INBOX}/${name}`), body);

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  item = env.item();
  loc = env.location();
  orders = ['', ...[1, 2, 3, 4].map((n) => env.salesOrder(`OMS${n}`, [{ item, quantity: 9, location: loc, orderLineId: `0010${n}` }]))];
});

describe('HC_SC_UpdateSalesOrders', () => {
  it('submits each CSV with the saved import map and archives a file only after its task is COMPLETE', () => {
    env.params[`${P}max_in_flight`] = 5;
    put(feedFile(1), feedBody(1));
    put(feedFile(2), feedBody(2));

    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => [t.mappingId, t.name, t.content])).toEqual([
      ['custimport_oms_update_salesorders', `Update Sales Order-${feedFile(1)}`, feedBody(1)],
      ['custimport_oms_update_salesorders', `Update Sales Order-${feedFile(2)}`, feedBody(2)],
    ]);
    expect(ls(INBOX)).toEqual([feedFile(1), feedFile(2)]); // still there: imports are PENDING
    expect(ls(`${INBOX}/archive`)).toEqual([]);
    expect(tracking().map((r) => [r.fields.custrecord_oms_cit_file, r.fields.custrecord_oms_cit_status, r.fields.custrecord_oms_cit_task_id])).toEqual([
      [feedFile(1), 'SUBMITTED', 'CSVIMPORT_1'],
      [feedFile(2), 'SUBMITTED', 'CSVIMPORT_2'],
    ]);

    env.tasks.advance(feedFile(1)); // PROCESSING
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(2); // never submitted again
    expect(ls(`${INBOX}/archive`)).toEqual([]);

    env.tasks.finish(feedFile(1));
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual([feedFile(1)]);
    expect(env.store.must('salesorder', orders[1]).sublists.item[0].quantity).toBe(1); // the map was applied
    expect(ls(INBOX)).toEqual([feedFile(2)]);
    expect(env.sftp.read(env.path(`${INBOX}/archive/${feedFile(1)}`))).toBe(feedBody(1));

    env.tasks.finish(feedFile(2));
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual([feedFile(1), feedFile(2)]);
    expect(ls(INBOX)).toEqual([]);
    expect(env.tasks.tasks).toHaveLength(2);
    expect(tracking().map((r) => r.fields.custrecord_oms_cit_status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(ls(`${INBOX}/error`)).toEqual([]);
  });

  it('moves the file of a FAILED import to failed/ and writes an error CSV with a safe name', () => {
    put(feedFile(1), feedBody(1));
    runScheduled(env, SCRIPT);
    env.tasks.failJob(feedFile(1));
    env.tasks.runPending();
    runScheduled(env, SCRIPT);

    expect(ls(INBOX)).toEqual([]);
    expect(ls(`${INBOX}/failed`)).toEqual([feedFile(1)]);
    expect(ls(`${INBOX}/archive`)).toEqual([]);
    const reports = ls(`${INBOX}/error`);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(ERROR_NAME_RE);
    const report = env.sftp.read(env.path(`${INBOX}/error/${reports[0]}`))!;
    expect(report.split('\n')[0]).toBe('fileName,taskId,errorMessage');
    expect(report.split('\n')[1]).toMatch(new RegExp(`^${feedFile(1)},CSVIMPORT_1,CSV import task CSVIMPORT_1 FAILED`));
    expect(tracking()[0].fields.custrecord_oms_cit_status).toBe('FAILED');
  });

  it('lists every failure of a run in one report (HotWax reset its error list per file)', () => {
    env.params[`${P}max_in_flight`] = 5;
    for (const n of [1, 2, 3]) put(feedFile(n), feedBody(n));
    runScheduled(env, SCRIPT);
    env.tasks.failJob(feedFile(1));
    env.tasks.failJob(feedFile(3));
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    const reports = ls(`${INBOX}/error`);
    expect(reports).toHaveLength(1);
    const lines = env.sftp.read(env.path(`${INBOX}/error/${reports[0]}`))!.trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([feedFile(1), feedFile(3)]);
    expect(ls(`${INBOX}/failed`)).toEqual([feedFile(1), feedFile(3)]);
    expect(ls(`${INBOX}/archive`)).toEqual([feedFile(2)]);
  });

  it('fails a file whose task cannot be submitted, without archiving it', () => {
    put(feedFile(1), feedBody(1));
    env.tasks.failSubmitWhen(() => Object.assign(new Error('Failed to submit job request: bad header'), { name: 'FAILED_TO_SUBMIT_JOB_REQUEST_1' }));
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(ls(`${INBOX}/failed`)).toEqual([feedFile(1)]);
    const [report] = ls(`${INBOX}/error`);
    expect(report).toMatch(ERROR_NAME_RE);
    expect(env.sftp.read(env.path(`${INBOX}/error/${report}`))).toContain(`${feedFile(1)},,FAILED_TO_SUBMIT_JOB_REQUEST_1: Failed to submit job request: bad header`);
  });

  it('never reads .part uploads, other extensions, folders or unsafe names', () => {
    env.params[`${P}max_in_flight`] = 10;
    put(`${feedFile(1)}.part`, feedBody(1));
    put('notes.txt', 'x');
    put('.hidden.csv', feedBody(2));
    env.sftp.mkdirp(env.path(`${INBOX}/subfolder.csv`));
    put(feedFile(3), feedBody(3));
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name)).toEqual([`Update Sales Order-${feedFile(3)}`]);
    // Read twice: for its split rows (N/record path), then by the import.
    const downloads = env.sftp.calls.filter((c) => c.op === 'download').map((c) => c.path);
    expect([...new Set(downloads)]).toEqual([env.path(`${INBOX}/${feedFile(3)}`)]);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls(INBOX)).toEqual(['.hidden.csv', `${feedFile(1)}.part`, 'notes.txt']);
  });

  it('by default runs one import at a time, oldest file first (order matters for updates)', () => {
    put('c.csv', feedBody(3));
    put('a.csv', feedBody(1));
    put('b.csv', feedBody(2));
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name)).toEqual(['Update Sales Order-c.csv']);
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(1);
    env.tasks.finish('c.csv');
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name)).toEqual(['Update Sales Order-c.csv', 'Update Sales Order-a.csv']);
    expect(ls(`${INBOX}/archive`)).toEqual(['c.csv']);
  });

  it('with polling enabled, waits for each task within the run and archives everything in one run', () => {
    env.params[`${P}poll_seconds`] = 60;
    env.params[`${P}poll_interval_ms`] = 0;
    env.tasks.advanceOnCheck = true; // each status check lets the job move on one step
    for (const n of [1, 2, 3]) put(feedFile(n), feedBody(n));
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual([feedFile(1), feedFile(2), feedFile(3)]);
    expect(ls(INBOX)).toEqual([]);
    expect(env.tasks.tasks).toHaveLength(3);
    expect(env.tasks.tasks.every((t) => t.checks === 2)).toBe(true); // PROCESSING, then COMPLETE
  });

  it('stops cleanly when governance runs low and resumes next run without submitting anything twice', () => {
    env.params[`${P}max_in_flight`] = 10;
    for (const n of [1, 2, 3, 4]) put(feedFile(n), feedBody(n));

    runScheduled(env, SCRIPT, 1000); // room for two files above the reserve
    expect(env.tasks.tasks.map((t) => t.name)).toEqual([`Update Sales Order-${feedFile(1)}`, `Update Sales Order-${feedFile(2)}`]);
    expect(env.gov.remaining).toBeGreaterThan(0);
    expect(env.logs.some((l) => l.level === 'audit' && /stopping, governance low/.test(l.title))).toBe(true);

    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name.replace('Update Sales Order-', ''))).toEqual([1, 2, 3, 4].map(feedFile));

    env.tasks.runPending();
    runScheduled(env, SCRIPT, 300); // too little to finish anything: nothing moves, nothing breaks
    expect(ls(`${INBOX}/archive`)).toEqual([]);
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual([1, 2, 3, 4].map(feedFile));
    expect(env.tasks.tasks).toHaveLength(4);
  });

  it('is a duplicate only when name AND content match (v2): same name+bytes archived, new name imported, same name+other bytes failed', () => {
    put(feedFile(1), feedBody(1));
    runScheduled(env, SCRIPT);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual([feedFile(1)]);

    put(feedFile(1), feedBody(1)); // the same file again
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(1);
    expect(ls(INBOX)).toEqual([]);
    expect(ls(`${INBOX}/archive`)).toHaveLength(2);

    put('brokeredOrderItemsFeed_resent.csv', feedBody(1)); // a legitimate re-send under a new name
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name)).toEqual([`Update Sales Order-${feedFile(1)}`, 'Update Sales Order-brokeredOrderItemsFeed_resent.csv']);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toContain('brokeredOrderItemsFeed_resent.csv');

    put(feedFile(1), feedBody(2)); // a reused name with other bytes
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(2);
    expect(ls(`${INBOX}/failed`)).toEqual([feedFile(1)]);
    const [report] = ls(`${INBOX}/error`).filter((n) => /ErrorUpdateSalesOrder/.test(n));
    expect(env.sftp.read(env.path(`${INBOX}/error/${report}`))).toContain('was imported before');
  });

  it('archives an empty or header-only file without a task', () => {
    env.params[`${P}max_in_flight`] = 5;
    put('empty.csv', '');
    put('header-only.csv', HEADER);
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(ls(`${INBOX}/archive`)).toEqual(['empty.csv', 'header-only.csv']);
  });

  it('never resubmits a file whose task id was lost after submit; fails it for review instead', () => {
    put(feedFile(1), feedBody(1));
    let once = true;
    env.store.failWhen((_r, op) => (op === 'submitFields' && once ? ((once = false), new Error('UNEXPECTED_ERROR')) : undefined));
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(1);
    expect(ls(INBOX)).toEqual([feedFile(1)]);
    expect(tracking()[0].fields.custrecord_oms_cit_status).toBe('SUBMITTING');

    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(1);
    expect(ls(`${INBOX}/failed`)).toEqual([feedFile(1)]);
    const [report] = ls(`${INBOX}/error`);
    expect(env.sftp.read(env.path(`${INBOX}/error/${report}`))).toContain('stopped before recording the task id');
  });

  it('creates a missing archive folder and never overwrites an archived file of the same name', () => {
    env.sftp.removeTree(env.path(`${INBOX}/archive`));
    put('same.csv', feedBody(1));
    runScheduled(env, SCRIPT);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls(`${INBOX}/archive`)).toEqual(['same.csv']);

    env.sftp.put(env.path(`${INBOX}/archive/other.csv`), 'put there by hand\n');
    put('other.csv', feedBody(2));
    runScheduled(env, SCRIPT);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    const archived = ls(`${INBOX}/archive`);
    expect(archived).toHaveLength(3);
    expect(env.sftp.read(env.path(`${INBOX}/archive/other.csv`))).toBe('put there by hand\n');
    expect(archived.find((n) => n.startsWith('other-'))).toMatch(/^other-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/);
  });

  it('opens the connection on {default dir}/salesorder with the configured secret (trailing / optional)', () => {
    env = createEnv({ defaultDir: '/home/oms/netsuite' });
    runScheduled(env, SCRIPT);
    expect(env.sftp.connections).toHaveLength(2); // the split-row check, then the import
    for (const c of env.sftp.connections) expect(c).toMatchObject({ url: 'sftp.example.test', username: 'oms', port: 22, directory: '/home/oms/netsuite/salesorder', secret: 'custsecret_oms_sftp' });
  });

  it('leaves a file it cannot download in place for the next run', () => {
    put(feedFile(1), feedBody(1));
    env.sftp.failWhen((c) => (c.op === 'download' ? Object.assign(new Error('timeout'), { name: 'FTP_CONNECT_TIMEOUT_EXCEEDED' }) : undefined));
    runScheduled(env, SCRIPT);
    expect(ls(INBOX)).toEqual([feedFile(1)]);
    expect(ls(`${INBOX}/failed`)).toEqual([]);
    env.sftp.clearFailures();
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(1);
  });
});
