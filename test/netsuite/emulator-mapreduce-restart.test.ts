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

beforeAll(() => {
  buildNetsuite();
});

describe('HC_MR_ExportedRejectedSalesOrderItemCSV restarts', () => {
  const cases: { label: string; interrupt: (soIds: string[]) => Interruption }[] = [];
  for (let n = 0; n <= 4; n++) cases.push({ label: `getInputData after ${n} call(s)`, interrupt: () => ({ stage: 'getInputData', afterCalls: n }) });
  for (let n = 0; n <= 0; n++) cases.push({ label: `map after ${n} call(s)`, interrupt: () => ({ stage: 'map', afterCalls: n }) });
  for (let n = 0; n <= 4; n++) cases.push({ label: `reduce of the 2nd order after ${n} call(s)`, interrupt: (ids) => ({ stage: 'reduce', key: ids[1], afterCalls: n }) });

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
        expect(env.store.all(env.ids.LAST_RUN.type)[0].fields[env.ids.LAST_RUN.rejectedItemsPendingBatch]).toBe('');
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
    const run = runMapReduce(env, SCRIPT, { interrupt: [{ stage: 'reduce', key: soIds[1], afterCalls: 3 }] });
    expect(run.restarts).toEqual([`reduce:${soIds[1]}`]);
    expect(loads.filter((id) => id === soIds[0])).toHaveLength(1);
    expect(loads.filter((id) => id === soIds[2])).toHaveLength(1);
    expect(loads.filter((id) => id === soIds[1]).length).toBeGreaterThanOrEqual(1);
  });

  it('a summarize interrupted before its upload runs again and uploads the batch once', () => {
    const { env, expected } = setup();
    const run = runMapReduce(env, SCRIPT, { interrupt: [{ stage: 'summarize', afterCalls: 1 }] });
    expect(run.restarts).toEqual(['summarize']);
    expect(env.sftp.ls(env.path(DIR))).toHaveLength(1);
    expect(exported(env)).toEqual(expected.sort());
  });
});
