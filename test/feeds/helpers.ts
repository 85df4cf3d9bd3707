/** Shared setup of the feed tests: a database, a transport (local folder or the real SFTP server), a recording job context. */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, Db, Engine } from '../../src/db/client';
import { LocalDirTransport, SftpTransport, type FileTransport } from '../../src/sftp';
import { approveOrder, createOrder } from '../../src/app/orders';
import { feedJob, type FeedJobName } from '../../src/feeds/jobs';
import type { FeedConfig, FeedDeps, JobContext, RowError } from '../../src/feeds/common';
import { collectDecoded, FEEDS, type FeedName } from '../../src/feeds/codec';
import { createTestDatabase } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_CA, WH_NJ } from '../support/fixtures';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server';
import { sftpConfig } from '../sftp/harness';

export const CONFIG: FeedConfig = { NETSUITE_ADJUSTMENT_ACCOUNT: '927', NETSUITE_SUBSIDIARY: '1', NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' };

export interface RecordingContext extends JobContext {
  counts: Record<string, number>;
  files: string[];
  rowErrors: RowError[];
}

let runSeq = 0;
export function recordingContext(params: Record<string, unknown> = {}, runId = `RUN-T${++runSeq}-${Date.now().toString(36)}`): RecordingContext {
  const counts: Record<string, number> = {};
  const files: string[] = [];
  const rowErrors: RowError[] = [];
  const noop = () => {};
  return {
    runId, params, counts, files, rowErrors,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    addFile: (f) => void files.push(f),
    addRowError: (e) => void rowErrors.push(e),
    count: (k, n = 1) => void (counts[k] = (counts[k] ?? 0) + n),
  };
}

export interface FeedEnv {
  d: Database & { url?: string };
  /** The OMS side. */
  transport: FileTransport;
  /** NetSuite's side: a second, independent client of the same folder tree. */
  netsuite: FileTransport;
  /** Disk path of `{root}`. */
  rootOnDisk: string;
  deps: FeedDeps;
  server?: SftpTestServer;
  run(name: FeedJobName, params?: Record<string, unknown>): Promise<RecordingContext & { result: Awaited<ReturnType<ReturnType<typeof feedJob>['handler']>> }>;
  close(): Promise<void>;
}

export async function feedEnv(engine: Engine, opts: { sftp?: boolean; clock?: () => Date; transport?: (t: FileTransport) => FileTransport; config?: FeedConfig } = {}): Promise<FeedEnv> {
  const d = await createTestDatabase(engine);
  let transport: FileTransport, netsuite: FileTransport, rootOnDisk: string, server: SftpTestServer | undefined, tmp: string | undefined;
  if (opts.sftp) {
    server = await startSftpServer();
    transport = new SftpTransport(sftpConfig(server));
    netsuite = new SftpTransport(sftpConfig(server, { privateKey: server.privateKey, password: undefined }));
    rootOnDisk = path.join(server.rootDir, server.homeDir, 'netsuite');
  } else {
    tmp = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-feeds-')));
    rootOnDisk = path.join(tmp, 'netsuite');
    await fsp.mkdir(rootOnDisk);
    transport = new LocalDirTransport({ dir: rootOnDisk });
    netsuite = new LocalDirTransport({ dir: rootOnDisk });
  }
  const deps: FeedDeps = { database: d, transport: opts.transport ? opts.transport(transport) : transport, config: opts.config ?? CONFIG, clock: opts.clock };
  return {
    d, transport, netsuite, rootOnDisk, deps, server,
    async run(name, params = {}) {
      const ctx = recordingContext(params);
      const result = await feedJob(deps, name).handler(ctx);
      return Object.assign(ctx, { result, counts: { ...ctx.counts, ...result.counts } });
    },
    async close() {
      await transport.close();
      await netsuite.close();
      await server?.close();
      if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
      await d.close();
    },
  };
}

/** Catalog of the loop: NetSuite warehouses WH_NJ (location 11) and WH_CA (12), store STORE_NYC. */
export async function seedLoopCatalog(db: Db) {
  await seedCatalog(db, {
    facilities: [STORE_NYC, WH_NJ, WH_CA],
    products: [{ id: 'SKU1', netsuiteItemId: '501' }, { id: 'SKU2', netsuiteItemId: '502' }],
    stock: [['SKU1', 'WH_NJ', 500], ['SKU1', 'WH_CA', 500], ['SKU2', 'STORE_NYC', 50]],
  });
  await db.execute(sql`update facilities set netsuite_location_id = '21' where id = 'STORE_NYC'`);
}

/** Creates and approves an order; returns its id. */
export async function approvedOrder(db: Db, over: Record<string, unknown> = {}): Promise<string> {
  const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody(over))));
  expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
  return order.id;
}

/** Sets NetSuite ids on orders and their items directly (for tests that are not about id sync). */
export async function setNetsuiteIds(db: Db, orderIds?: string[]) {
  const only = orderIds ? sql`where order_id = any(${sql.param(orderIds)}::text[])` : sql``;
  const onlyO = orderIds ? sql`where id = any(${sql.param(orderIds)}::text[])` : sql``;
  await db.execute(sql`update orders set netsuite_order_id = 'SO-' || id ${onlyO}`);
  // Original lines only: a piece of a split line has no NetSuite line until NetSuite reports the one it adds.
  const originals = orderIds ? sql`${only} and parent_seq_id is null` : sql`where parent_seq_id is null`;
  await db.execute(sql`update order_items set netsuite_line_id = seq_id ${originals}`);
}

/** Files (names) in a folder of the tree, as NetSuite sees them. */
export async function listNames(t: FileTransport, dir: string, pattern = /.+/): Promise<string[]> {
  return (await t.list(dir, pattern)).map((e) => e.name).sort();
}

/** Decodes every file of an outbound CSV feed found in `dir` (default: the feed's folder). */
export async function readFeedFiles<N extends FeedName>(t: FileTransport, feed: N, dir?: string) {
  const f = FEEDS[feed] as any;
  const folder = dir ?? f.folder.replace(/\/$/, '');
  const names = await listNames(t, folder, f.pattern);
  const out: { name: string; rows: any[]; errors: unknown[] }[] = [];
  for (const name of names) {
    const { rows, errors } = await collectDecoded(f.decode(await t.read(folder, name)) as AsyncIterable<any>);
    out.push({ name, rows: rows.map((r) => r.value), errors });
  }
  return out;
}

/** Writes a file as NetSuite would (atomic put into the folder). */
export async function netsuiteWrites(t: FileTransport, dir: string, name: string, content: string) {
  await t.putAtomic(dir, name, Buffer.from(content));
}

export const q = async <T = any>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> => ((await db.execute(query)) as unknown as { rows: T[] }).rows;

/** The transport with another `putAtomic`. */
export function withPut(inner: FileTransport, putAtomic: FileTransport['putAtomic']): FileTransport {
  return {
    description: inner.description, putAtomic,
    list: (d, p) => inner.list(d, p), read: (d, n) => inner.read(d, n), readStream: (d, n) => inner.readStream(d, n),
    sha256: (d, n) => inner.sha256(d, n), move: (d, n, t) => inner.move(d, n, t), ensureDir: (d) => inner.ensureDir(d),
    exists: (d, n) => inner.exists(d, n), close: async () => {},
  };
}
