/**
 * An emulated NetSuite account for one test: records, an SFTP server with the integration
 * folders, CSV import jobs that apply the project's saved import maps, governance, script
 * parameters, the user's preferences and logs, wired into the `N/*` modules the emitted scripts
 * import. `load('HC_SC_UpdateSalesOrders')` evaluates a compiled script against them.
 *
 * Record, field and folder ids come from the compiled `lib/fields` (never spelled out here), so
 * the emulator follows a rename of an SDF object.
 */
import { join } from 'node:path';
import { loadAmd } from './amd';
// Record.insertLine and line ids for inserted lines (the split-line path of HC_SC_UpdateSalesOrders).
import '../emulator/sublistInsert';
import { buildNetsuite } from './build';
import { fakeCrypto, fakeEncode, fakeError, fakeFile, fakeFormat, fakeLog, fakeRuntime, Governance, type LogEntry, type UserPrefs } from './fakes/misc';
import { type Fields, RecordStore } from './fakes/records';
import { FakeSftpServer } from './fakes/sftp';
import { FakeTasks } from './fakes/task';

export const SFTP_ROOT = '/home/oms/netsuite';

/** Folders HotWax's HC_SC_CreateSFTPDirectory creates that these scripts use. */
export const FOLDERS = [
  'salesorder/update/archive',
  'salesorder/update/error',
  'salesorder/update/failed',
  'salesorder/rejectedorderitem/archive',
  'inventoryadjustment/csv',
  'inventoryadjustment/archive',
  'inventoryadjustment/error',
  'inventoryadjustment/failed',
];

/** The parts of the compiled lib/fields the tests use. */
export interface FieldIds {
  SFTP_CONFIG: Record<'type' | 'server' | 'userId' | 'port' | 'hostKey' | 'guid' | 'defaultDir', string>;
  IMPORT_TASK: Record<'type' | 'feed' | 'file' | 'taskId' | 'status' | 'sha256' | 'size' | 'submitted' | 'finished' | 'message', string>;
  LAST_RUN: Record<'type' | 'rejectedItemsDate' | 'rejectedItemsPendingBatch' | 'rejectedItemsBatchStarted', string>;
  SO: Record<'orderId' | 'lineId' | 'rejected' | 'rejectionExportBatch' | 'itemSublist' | 'line' | 'location', string> & { itemTag?: string };
  UPDATE_SALES_ORDERS: { mappingId: string };
  INVENTORY_ADJUSTMENTS: { mappingId: string };
}

export interface LineSpec {
  item: string;
  quantity: number;
  location?: string;
  orderLineId?: string;
  rate?: number;
  rejected?: boolean;
  closed?: boolean;
}

export interface NsEnv {
  gov: Governance;
  store: RecordStore;
  sftp: FakeSftpServer;
  tasks: FakeTasks;
  params: Record<string, unknown>;
  prefs: UserPrefs;
  logs: LogEntry[];
  modules: Record<string, unknown>;
  sftpConfigId: string;
  ids: FieldIds;
  /** Loads a compiled module, e.g. `HC_SC_UpdateSalesOrders` or `lib/rejectedItems`. */
  load<T = Record<string, unknown>>(script: string): T;
  /** Absolute SFTP path of a path under the integration root. */
  path(rel: string): string;
  /** Reference records that CSV imports resolve internal ids against. */
  location(name?: string): string;
  item(itemid?: string): string;
  customer(name?: string): string;
  subsidiary(name?: string): string;
  account(name?: string): string;
  /** A sales order with item lines `line` = 1, 2, … (NetSuite's line ids). */
  salesOrder(orderId: string, lines: LineSpec[], body?: Fields): string;
}

export function createEnv(opts: { defaultDir?: string; credential?: string; dateFormat?: string } = {}): NsEnv {
  const gov = new Governance();
  const store = new RecordStore(gov);
  const sftp = new FakeSftpServer(gov);
  const prefs: UserPrefs = { dateFormat: opts.dateFormat ?? 'M/D/YYYY' };
  const tasks = new FakeTasks(gov, store, prefs);
  const params: Record<string, unknown> = {};
  const logs: LogEntry[] = [];
  const modules: Record<string, unknown> = {
    'N/sftp': sftp.module(),
    'N/task': tasks.module(),
    'N/record': store.recordModule(),
    'N/search': store.searchModule(),
    'N/runtime': fakeRuntime(gov, params, undefined, prefs),
    'N/log': fakeLog(logs),
    'N/file': fakeFile(),
    'N/format': fakeFormat(prefs),
    'N/crypto': fakeCrypto(),
    'N/encode': fakeEncode(),
    'N/error': fakeError(),
  };
  const load = <T>(script: string) => loadAmd<T>(join(buildNetsuite(), `${script}.js`), modules);
  const ids = load<FieldIds>('lib/fields');
  for (const f of FOLDERS) sftp.mkdirp(`${SFTP_ROOT}/${f}`);
  const c = ids.SFTP_CONFIG;
  const sftpConfigId = store.insert(c.type, {
    name: 'OMS SFTP',
    [c.server]: 'sftp.example.test',
    [c.userId]: 'oms',
    [c.port]: 22,
    [c.hostKey]: 'AAAAB3NzaC1yc2EAAAADAQABAAABAQ==',
    [c.guid]: opts.credential ?? 'custsecret_oms_sftp',
    [c.defaultDir]: opts.defaultDir ?? `${SFTP_ROOT}/`,
  });
  const env: NsEnv = {
    gov,
    store,
    sftp,
    tasks,
    params,
    prefs,
    logs,
    modules,
    sftpConfigId,
    ids,
    load,
    path: (rel: string) => `${SFTP_ROOT}/${rel}`.replace(/\/+$/, ''),
    location: (name = 'Warehouse') => store.insert('location', { name }),
    item: (itemid = 'SKU') => store.insert('inventoryitem', { itemid }),
    customer: (name = 'Customer') => store.insert('customer', { entityid: name }),
    subsidiary: (name = 'Subsidiary') => store.insert('subsidiary', { name }),
    account: (name = 'Inventory Adjustments') => store.insert('account', { name }),
    salesOrder: (orderId, lines, body = {}) => {
      const so = ids.SO;
      const item: Fields[] = lines.map((l, i) => ({
        [so.line]: String(i + 1),
        item: l.item,
        quantity: l.quantity,
        rate: l.rate ?? 10,
        [so.location]: l.location ?? '',
        isclosed: l.closed ?? false,
        [so.lineId]: l.orderLineId ?? '',
        [so.rejected]: l.rejected ?? false,
        [so.rejectionExportBatch]: '',
      }));
      return store.insert('salesorder', { [so.orderId]: orderId, entity: env.customer(), ...body }, { [so.itemSublist]: item });
    },
  };
  return env;
}

/** Runs a scheduled script's `execute` with a fresh governance budget (10,000 by default). */
export function runScheduled(env: NsEnv, script: string, usage = 10_000): void {
  env.gov.reset(usage);
  const mod = env.load<{ execute: (ctx: unknown) => void }>(script);
  mod.execute({ type: 'SCHEDULED' });
}
