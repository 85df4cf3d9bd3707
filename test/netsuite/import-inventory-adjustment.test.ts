/**
 * HC_SC_ImportInventoryAdjustment: same engine as the sales order update, but the outcome folders
 * are SIBLINGS of `inventoryadjustment/csv/` (HotWax's layout), with its own map and parameters.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled } from './support/env';

const SCRIPT = 'HC_SC_ImportInventoryAdjustment';
const HEADER = 'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location\n';
let refs = { account: '', item: '', loc: '', sub: '' };
const body = (ref: string, qty: number) => `${HEADER}${ref},${refs.account},${refs.item},${qty},${refs.loc},1/5/2026,VAR_DAMAGED order OMS1001,${refs.sub},${ref},${refs.loc}\n`;
const file = (n: number) => `InventoryAdjustmentFeed_2026-01-05-10-00-0${n}_run${n}.csv`;

let env: NsEnv;
const ls = (rel: string) => env.sftp.ls(env.path(`inventoryadjustment/${rel}`));

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
  refs = { account: env.account(), item: env.item(), loc: env.location(), sub: env.subsidiary() };
});

describe('HC_SC_ImportInventoryAdjustment', () => {
  it('imports csv/ with custimport_oms_inventoryadjustment and archives to the sibling archive/ after COMPLETE', () => {
    env.sftp.put(env.path(`inventoryadjustment/csv/${file(1)}`), body('V1', -1));
    runScheduled(env, SCRIPT);
    expect(env.sftp.connections[0]).toMatchObject({ directory: '/home/oms/netsuite/inventoryadjustment' });
    expect(env.tasks.tasks.map((t) => [t.mappingId, t.name, t.content])).toEqual([[env.ids.INVENTORY_ADJUSTMENTS.mappingId, `Inventory Adjustment-${file(1)}`, body('V1', -1)]]);
    expect(ls('csv')).toEqual([file(1)]);

    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls('csv')).toEqual([]);
    expect(ls('archive')).toEqual([file(1)]);
    expect(env.sftp.dirs.has(env.path('inventoryadjustment/csv/archive'))).toBe(false);
  });

  it('moves a FAILED import to the sibling failed/ and reports it in the sibling error/', () => {
    env.sftp.put(env.path(`inventoryadjustment/csv/${file(1)}`), body('V1', -1));
    runScheduled(env, SCRIPT);
    env.tasks.failJob(file(1));
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls('failed')).toEqual([file(1)]);
    const [report] = ls('error');
    expect(report).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-ErrorInventoryAdjustment\.csv$/);
    expect(env.sftp.read(env.path(`inventoryadjustment/error/${report}`))).toMatch(new RegExp(`^fileName,taskId,errorMessage\\n${file(1)},CSVIMPORT_1,`));
  });

  it('reads its own parameters (custscript_oms_invadj_*) and ignores .part files', () => {
    env.params.custscript_oms_upso_max_in_flight = 10; // the other script's parameter: no effect
    env.params.custscript_oms_invadj_queue_id = 2;
    env.sftp.put(env.path(`inventoryadjustment/csv/${file(1)}`), body('V1', -1));
    env.sftp.put(env.path(`inventoryadjustment/csv/${file(2)}`), body('V2', 3));
    env.sftp.put(env.path(`inventoryadjustment/csv/${file(3)}.part`), body('V3', 1));
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => [t.name, t.queueId])).toEqual([[`Inventory Adjustment-${file(1)}`, 2]]);

    env.params.custscript_oms_invadj_max_in_flight = 10;
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks.map((t) => t.name)).toEqual([`Inventory Adjustment-${file(1)}`, `Inventory Adjustment-${file(2)}`]);
    env.tasks.runPending();
    runScheduled(env, SCRIPT);
    expect(ls('archive')).toEqual([file(1), file(2)]);
    expect(ls('csv')).toEqual([`${file(3)}.part`]);
  });

  it('does not touch the sales order update folder', () => {
    env.sftp.put(env.path('salesorder/update/brokered.csv'), 'internalId\n1\n');
    runScheduled(env, SCRIPT);
    expect(env.tasks.tasks).toHaveLength(0);
    expect(env.sftp.ls(env.path('salesorder/update'))).toEqual(['brokered.csv']);
  });
});
