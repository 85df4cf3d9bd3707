/**
 * The two sides of the loop on one real SFTP server on loopback:
 * - the server runs in a worker thread (`sftp-server-worker.ts`);
 * - the OMS: a PGlite database, its real `SftpTransport` and `feedJob(...)` handlers;
 * - NetSuite: an emulated account (`support/env.ts`) whose `N/sftp` is the real-SFTP bridge
 *   (`emulator/realSftp.ts`), its SFTP configuration record pointing at the same server.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from '../../../src/db/client';
import { SftpTransport } from '../../../src/sftp';
import { feedJob, type FeedJobName } from '../../../src/feeds/jobs';
import type { FeedConfig, FeedDeps, JobContext, RowError } from '../../../src/feeds/common';
import { addEntityAndOrderFields } from '../emulator/entityAndOrderFields';
import { RealSftpServer } from '../emulator/realSftp';
import { installTransactions } from '../emulator/transactions';
import { createEnv, type NsEnv, runScheduled, SFTP_ROOT } from '../support/env';

export interface ServerInfo {
  host: string;
  port: number;
  username: string;
  password: string;
  privateKey: string;
  hostKeySha256: string;
  rootDir: string;
  homeDir: string;
}

/** What one OMS feed job run did. */
export interface JobRun { counts: Record<string, number>; rowErrors: unknown[]; runId: string }

export interface World {
  server: ServerInfo;
  ns: NsEnv;
  sftp: RealSftpServer;
  oms: { database: Database; transport: SftpTransport; deps: FeedDeps };
  /** Runs one OMS feed job; returns its counts and the row errors it reported. */
  job(name: FeedJobName): Promise<JobRun>;
  /** Writes a file on the server (someone sends a file again). */
  write(rel: string, text: string): Promise<void>;
  /** Names of the files (not folders) in a folder under the integration root, read on disk. */
  ls(rel: string): Promise<string[]>;
  read(rel: string): Promise<string>;
  close(): Promise<void>;
}

async function startServer(username: string): Promise<{ info: ServerInfo; stop: () => Promise<void> }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const entry = path.join(here, 'sftp-server-worker.ts');
  const worker = new Worker(path.join(here, 'ts-worker.mjs'), { workerData: { username, entry } });
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const stop = async () => {
    const done = new Promise((r) => worker.once('message', r));
    worker.postMessage('close');
    await done;
    await worker.terminate();
    await fsp.rm(info.rootDir, { recursive: true, force: true });
  };
  return { info, stop };
}

/** A job context that keeps the counts and row errors (world.ts runs outside vitest too: the demo). */
function jobContext(runId: string): JobContext & { counts: Record<string, number>; rowErrors: RowError[] } {
  const counts: Record<string, number> = {};
  const rowErrors: RowError[] = [];
  const noop = () => {};
  return {
    runId, params: {}, counts, rowErrors,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    addFile: noop,
    addRowError: (e) => void rowErrors.push(e),
    count: (k, n = 1) => void (counts[k] = (counts[k] ?? 0) + n),
  };
}

/**
 * Starts the server and both sides. The NetSuite folder tree is made the way an administrator
 * makes it, by running HC_SC_CreateSFTPDirectory once against the (empty) server.
 */
export async function createWorld(database: Database, config: (ns: NsEnv) => FeedConfig, clock?: () => Date): Promise<World> {
  const { info: server, stop } = await startServer('oms');
  const disk = (rel: string) => path.join(server.rootDir, SFTP_ROOT, rel);
  const ns = createEnv({ credential: 'custsecret_oms_sftp' });
  addEntityAndOrderFields(ns.tasks.schema);
  // An account that approves its sales orders: the OMS's orders must come in Pending Fulfillment all the same.
  installTransactions(ns, { defaultSalesOrderStatus: 'SalesOrd:A' });
  const sftp = new RealSftpServer(ns.gov, { host: server.host, port: server.port, username: 'oms', secrets: { custsecret_oms_sftp: server.password } });
  ns.modules['N/sftp'] = sftp.module();
  const c = ns.ids.SFTP_CONFIG;
  ns.store.must(c.type, ns.sftpConfigId).fields[c.server] = server.host;
  ns.store.must(c.type, ns.sftpConfigId).fields[c.port] = server.port;
  runScheduled(ns, 'HC_SC_CreateSFTPDirectory');
  const transport = new SftpTransport({
    host: server.host, port: server.port, username: server.username, password: server.password, hostKeySha256: server.hostKeySha256,
    retry: { attempts: 3, baseDelayMs: 10, jitter: 0 }, readyTimeoutMs: 5000,
  });
  const deps: FeedDeps = { database, transport, config: config(ns), clock };
  let runs = 0;
  return {
    server, ns, sftp, oms: { database, transport, deps },
    async job(name) {
      const ctx = jobContext(`RUN-LOOP-${++runs}`);
      const result = await feedJob(deps, name).handler(ctx);
      return { counts: { ...ctx.counts, ...result.counts }, rowErrors: ctx.rowErrors, runId: ctx.runId };
    },
    async ls(rel) {
      const entries = await fsp.readdir(disk(rel), { withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
    },
    read: (rel) => fsp.readFile(disk(rel), 'utf8'),
    write: (rel, text) => fsp.writeFile(disk(rel), text),
    async close() {
      await transport.close();
      await sftp.close();
      await stop();
    },
  };
}
