/**
 * A fake NetSuite account for one test: records, an SFTP server with the integration folders, CSV
 * import tasks, governance, script parameters and logs, wired into the `N/*` modules the emitted
 * scripts import. `load('HC_SC_UpdateSalesOrders')` evaluates a compiled script against them.
 */
import { join } from 'node:path';
import { loadAmd } from './amd';
import { buildNetsuite } from './build';
import { fakeCrypto, fakeEncode, fakeError, fakeFile, fakeFormat, fakeLog, fakeRuntime, Governance, type LogEntry } from './fakes/misc';
import { RecordStore } from './fakes/records';
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

export interface NsEnv {
  gov: Governance;
  store: RecordStore;
  sftp: FakeSftpServer;
  tasks: FakeTasks;
  params: Record<string, unknown>;
  logs: LogEntry[];
  modules: Record<string, unknown>;
  sftpConfigId: string;
  /** Loads a compiled module, e.g. `HC_SC_UpdateSalesOrders` or `lib/rejectedItems`. */
  load<T = Record<string, unknown>>(script: string): T;
  /** Absolute SFTP path of a path under the integration root. */
  path(rel: string): string;
}

export function createEnv(opts: { defaultDir?: string; credential?: string } = {}): NsEnv {
  const gov = new Governance();
  const store = new RecordStore(gov);
  const sftp = new FakeSftpServer(gov);
  const tasks = new FakeTasks(gov);
  const params: Record<string, unknown> = {};
  const logs: LogEntry[] = [];
  for (const f of FOLDERS) sftp.mkdirp(`${SFTP_ROOT}/${f}`);
  const sftpConfigId = store.insert('customrecord_oms_sftp_configuration', {
    name: 'OMS SFTP',
    custrecord_oms_sftp_server: 'sftp.example.test',
    custrecord_oms_sftp_userid: 'oms',
    custrecord_oms_sftp_port_no: 22,
    custrecord_oms_sftp_host_key: 'AAAAB3NzaC1yc2EAAAADAQABAAABAQ==',
    custrecord_oms_sftp_secret: opts.credential ?? 'custsecret_oms_sftp',
    custrecord_oms_sftp_default_file_dir: opts.defaultDir ?? `${SFTP_ROOT}/`,
  });
  const modules: Record<string, unknown> = {
    'N/sftp': sftp.module(),
    'N/task': tasks.module(),
    'N/record': store.recordModule(),
    'N/search': store.searchModule(),
    'N/runtime': fakeRuntime(gov, params),
    'N/log': fakeLog(logs),
    'N/file': fakeFile(),
    'N/format': fakeFormat(),
    'N/crypto': fakeCrypto(),
    'N/encode': fakeEncode(),
    'N/error': fakeError(),
  };
  return {
    gov,
    store,
    sftp,
    tasks,
    params,
    logs,
    modules,
    sftpConfigId,
    load: <T>(script: string) => loadAmd<T>(join(buildNetsuite(), `${script}.js`), modules),
    path: (rel: string) => `${SFTP_ROOT}/${rel}`.replace(/\/+$/, ''),
  };
}

/** Runs a scheduled script's `execute` with a fresh governance budget (10,000 by default). */
export function runScheduled(env: NsEnv, script: string, usage = 10_000): void {
  env.gov.reset(usage);
  const mod = env.load<{ execute: (ctx: unknown) => void }>(script);
  mod.execute({ type: 'SCHEDULED' });
}
