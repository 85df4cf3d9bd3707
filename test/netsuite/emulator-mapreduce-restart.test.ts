/**
 * Map/Reduce restarts on the emulator with HC_MR_ExportedRejectedSalesOrderItemCSV: whichever
 * stage an application server restart interrupts, and wherever in it, every rejected line reaches
 * the SFTP folder and none is exported twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv } from './support/env';
import { type Interruption, runMapReduce } from './support/mapreduce';

const SCRIPT = 'HC_MR_ExportedRejectedSalesOrderItemCSV';
const DIR = 'salesorder/rejectedorderitem';

function setup(): { env: NsEnv; expected: string[] } {
  const env = createEnv();
  const item = env.item();
  const loc = env.location();
  const expected: string[] = [];
  for (const n of [1, 2, 3]) {
    env.salesOrder(`OMS${n}`, [
      { item, quantity: 1, location: loc, orderLineId: `00${n}01`, rejected: true },
      { item, quantity: 1, location: loc, orderLineId: `00${n}02` },
      { item, quantity: 1, location: loc, orderLineId: `00${n}03`, rejected: true },
    ]);
    expected.push(`OMS${n},00${n}01`, `OMS${n},00${n}03`);
  }
  return { env, expected };
}

/** Every exported (orderId, orderItemSeqId), over all files of the folder. */
function exported(env: NsEnv): string[] {
  return env.sftp
    .ls(env.path(DIR))
    .flatMap((f) => env.sftp.read(env.path(`${DIR}/${f}`))!.trim().split('\n').slice(1))
    .map((l) => l.split(',').slice(0, 2).join(','))
    .sort();
}

/** Status of each rejected-items batch record. */
const batchStatuses = (env: NsEnv) =>
  env.store
    .all('customrecord_oms_id_export')
    .filter((r) => r.fields.custrecord_oms_idx_feed === 'salesorder/rejectedorderitem')
    .map((r) => r.fields.custrecord_oms_idx_status);

/** Rejected lines whose export mark is still empty. */
const unmarkedRejected = (env: NsEnv) =>
  env.store
    .all('salesorder')
    .flatMap((so) => so.sublists.item.filter((l) => l.custcol_oms_order_item_rejected === true && !l.custcol_oms_rej_export_batch).map((l) => `${so.id}:${l.line}`));

beforeAll(() => {
  buildNetsuite();
});

describe('HC_MR_ExportedRejectedSalesOrderItemCSV restarts', () => {
  const cases: { label: string; interrupt: (soIds: string[]) => Interruption }[] = [];
  for (let n = 0; n <= 4; n++) cases.push({ label: `getInputData after ${n} call(s)`, interrupt: () => ({ stage: 'getInputData', afterCalls: n }) });
  for (let n = 0; n <= 0; n++) cases.push({ label: `map after ${n} call(s)`, interrupt: () => ({ stage: 'map', afterCalls: n }) });
  for (let n = 0; n <= 2; n++) cases.push({ label: `reduce of the 2nd order after ${n} call(s)`, interrupt: (ids) => ({ stage: 'reduce', key: ids[1], afterCalls: n }) });

  for (const keep of [false, true]) {
    for (const c of cases) {
      it(`${c.label}, ${keep ? 'keeping' : 'dropping'} the interrupted writes: each line exported exactly once`, () => {
        const { env, expected } = setup();
        const soIds = env.store.all('salesorder').map((r) => r.id);
        const run = runMapReduce(env, SCRIPT, { interrupt: [c.interrupt(soIds)], keepInterruptedWrites: keep });
        expect(run.restarts).toHaveLength(1);
        expect(run.mapErrors).toEqual([]);
        expect(run.reduceErrors).toEqual([]);
        expect(exported(env)).toEqual(expected.sort());
        // A later run finds nothing new.
        runMapReduce(env, SCRIPT);
        expect(exported(env)).toEqual(expected.sort());
        expect(batchStatuses(env)).toEqual(['DONE']);
        expect(unmarkedRejected(env)).toEqual([]);
      });
    }
  }

  it('restarts only the interrupted key: committed reduce keys are not run again', () => {
    const { env } = setup();
    const soIds = env.store.all('salesorder').map((r) => r.id);
    const loads: string[] = [];
    const rec = env.modules['N/record'] as { load(o: { type: string; id: string }): unknown };
    const load = rec.load;
    rec.load = (o) => {
      if (o.type === 'salesorder') loads.push(String(o.id));
      return load(o);
    };
    const run = runMapReduce(env, SCRIPT, { interrupt: [{ stage: 'reduce', key: soIds[1], afterCalls: 1 }] });
    expect(run.restarts).toEqual([`reduce:${soIds[1]}`]);
    expect(loads.filter((id) => id === soIds[0])).toHaveLength(1);
    expect(loads.filter((id) => id === soIds[2])).toHaveLength(1);
    expect(loads.filter((id) => id === soIds[1]).length).toBeGreaterThanOrEqual(1);
  });

  for (const n of [0, 1, 2]) {
    it(`a summarize interrupted after the upload (after ${n} call(s)) runs again and never uploads the batch a second time`, () => {
      const { env, expected } = setup();
      const run = runMapReduce(env, SCRIPT, { interrupt: [{ stage: 'summarize', afterCalls: n }] });
      expect(run.restarts).toEqual(['summarize']);
      const uploads = env.sftp.calls.filter((c) => c.op === 'upload');
      expect(uploads).toHaveLength(1);
      expect(env.sftp.ls(env.path(DIR))).toHaveLength(1);
      expect(exported(env)).toEqual(expected.sort());
      expect(batchStatuses(env)).toEqual(['DONE']);
      expect(unmarkedRejected(env)).toEqual([]);
      runMapReduce(env, SCRIPT); // and the next run has nothing to send
      expect(env.sftp.calls.filter((c) => c.op === 'upload')).toHaveLength(1);
    });
  }

  it('a line is marked only once its file is on the server: an upload that fails leaves every line unmarked', () => {
    const { env, expected } = setup();
    env.sftp.failWhen((c) => (c.op === 'upload' ? Object.assign(new Error('connection reset'), { name: 'FTP_TRANSFER_FAILED' }) : undefined));
    const run = runMapReduce(env, SCRIPT);
    expect(run.inputError).toContain('FTP_TRANSFER_FAILED');
    expect(env.sftp.ls(env.path(DIR))).toEqual([]);
    expect(unmarkedRejected(env)).toHaveLength(expected.length);
    expect(batchStatuses(env)).toEqual(['PENDING']);
    env.sftp.clearFailures();
    runMapReduce(env, SCRIPT);
    expect(exported(env)).toEqual(expected.sort());
    expect(batchStatuses(env)).toEqual(['DONE']);
    expect(unmarkedRejected(env)).toEqual([]);
  });
});
