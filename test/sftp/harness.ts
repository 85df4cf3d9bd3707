/**
 * Harnesses that give the shared transport contract suite the same handles on both transports:
 * the transport under test, an independent observer (a second client, as NetSuite would be), the
 * on-disk location of the root, and ways to inject hostile directory entries and slow uploads.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalDirTransport, SftpTransport, type FileTransport, type SftpTransportConfig, type TransportLogger } from '../../src/sftp';
import type { RawEntry } from '../../src/sftp/transport';
import { startSftpServer, type SftpServerOptions, type SftpTestServer } from '../support/sftp-server';

export interface Harness {
  kind: 'sftp' | 'file';
  transport: FileTransport;
  /** A second, independent client of the same folder. */
  observer: FileTransport;
  /** Disk path of the transport root. */
  rootOnDisk: string;
  /** Disk directory that contains the root and things outside it (the SFTP jail / a temp dir). */
  jailOnDisk: string;
  /** Makes listings of `dir` (root-relative) also return these names. */
  injectNames(dir: string, names: string[]): void;
  clearInjectedNames(): void;
  /** Server-side slowing of each write (SFTP only). */
  slowWrites(ms: number): void;
  logs: LogRecord[];
  close(): Promise<void>;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export function memoryLogger(): TransportLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (obj: object, msg?: string) => void records.push({ level, obj: obj as Record<string, unknown>, msg });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** LocalDirTransport whose listings also contain crafted names (what a hostile server could send). */
class CraftedLocalTransport extends LocalDirTransport {
  crafted = new Map<string, string[]>();
  protected override async rawList(absDir: string): Promise<RawEntry[]> {
    const real = await super.rawList(absDir);
    const extra = (this.crafted.get(absDir) ?? []).map((name) => ({ name, isFile: true, size: 42, mtimeMs: Date.now() }));
    return [...real, ...extra];
  }
}

export async function localHarness(): Promise<Harness> {
  const jail = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-local-')));
  const root = path.join(jail, 'netsuite');
  await fsp.mkdir(root);
  const logger = memoryLogger();
  const transport = new CraftedLocalTransport({ dir: root, logger });
  const observer = new LocalDirTransport({ dir: root });
  return {
    kind: 'file',
    transport,
    observer,
    rootOnDisk: root,
    jailOnDisk: jail,
    injectNames: (dir, names) => void transport.crafted.set(path.join(root, dir), names),
    clearInjectedNames: () => transport.crafted.clear(),
    slowWrites: () => {},
    logs: logger.records,
    async close() {
      await transport.close();
      await observer.close();
      await fsp.rm(jail, { recursive: true, force: true });
    },
  };
}

export function sftpConfig(server: SftpTestServer, extra: Partial<SftpTransportConfig> = {}): SftpTransportConfig {
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    hostKeySha256: server.hostKeySha256,
    retry: { attempts: 3, baseDelayMs: 10, jitter: 0 },
    readyTimeoutMs: 5000,
    ...extra,
  };
}

export async function sftpHarness(opts: SftpServerOptions = {}): Promise<Harness & { server: SftpTestServer }> {
  const server = await startSftpServer(opts);
  const logger = memoryLogger();
  const transport = new SftpTransport(sftpConfig(server, { logger }));
  const observer = new SftpTransport(sftpConfig(server, { privateKey: server.privateKey, password: undefined }));
  const rootVirtual = `${server.homeDir}/netsuite`;
  return {
    kind: 'sftp',
    server,
    transport,
    observer,
    rootOnDisk: path.join(server.rootDir, rootVirtual),
    jailOnDisk: server.rootDir,
    injectNames: (dir, names) => server.injectReaddirNames(names.map((name) => ({ name, dir: path.posix.join(rootVirtual, dir) }))),
    clearInjectedNames: () => server.clearInjectedNames(),
    slowWrites: (ms) => server.setWriteDelay(ms),
    logs: logger.records,
    async close() {
      await transport.close();
      await observer.close();
      await server.close();
    },
  };
}

/** Every file under `dir` (relative path → sha256), for "nothing changed outside" assertions. */
export async function snapshot(dir: string, skip?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string) {
    if (skip && d === skip) return;
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), e.isFile() ? createHash('sha256').update(await fsp.readFile(p)).digest('hex') : 'non-file');
    }
  }
  await walk(dir);
  return out;
}

/** A Readable that yields `data` in `chunk`-sized pieces, waiting `delayMs` before each. */
export function slowSource(data: Buffer, chunk: number, delayMs: number): Readable {
  return Readable.from(
    (async function* () {
      for (let off = 0; off < data.length; off += chunk) {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        yield data.subarray(off, Math.min(data.length, off + chunk));
      }
    })(),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
