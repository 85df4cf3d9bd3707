/**
 * The file transport used by the feed jobs: a small face over "a folder tree on the NetSuite
 * SFTP account" (or a local folder with the same layout, for the embedded demo).
 *
 * All `dir` arguments are relative to the transport's root (`{root}` in contracts/feeds.md, e.g.
 * `salesorder/rejectedorderitem`); all `name` arguments are single file names. Every method checks
 * names with `safeName` and paths with `joinInside`, so nothing a transport does leaves its root.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isSafeName, unsafeNameReason } from './paths';

/** One regular file in a listed folder. */
export interface RemoteEntry {
  name: string;
  size: number;
  mtime: Date;
}

export type PutStatus = 'written' | 'already-present';

export interface PutResult {
  /** `written`: the file was uploaded and renamed into place; `already-present`: a file of that
   * name with the same SHA-256 was already there (success, nothing overwritten). */
  status: PutStatus;
  /** Hex SHA-256 of the content. */
  sha256: string;
  size: number;
}

export interface MoveResult {
  /** `moved`: the file now lives in the target folder under `name`; `already-present`: an
   * identical file (same SHA-256) was already there, so the source was removed. */
  status: 'moved' | 'already-present';
  /** The name in the target folder: the original name, or a suffixed one when a different file
   * of the same name was already there (never overwritten). */
  name: string;
}

export interface FileTransport {
  /** Where this transport points, without credentials (for logs). */
  readonly description: string;
  /**
   * Regular files in `dir` whose base name passes `safeName` and matches the ANCHORED `pattern`,
   * sorted by mtime then name. Unsafe or non-matching names are skipped (unsafe ones are logged).
   */
  list(dir: string, pattern: RegExp): Promise<RemoteEntry[]>;
  /** Whole content of a regular file. */
  read(dir: string, name: string): Promise<Buffer>;
  /** Content of a regular file as a stream (for large files). */
  readStream(dir: string, name: string): Promise<Readable>;
  /** Hex SHA-256 of a regular file's content. */
  sha256(dir: string, name: string): Promise<string>;
  /**
   * Uploads to `NAME.part`, then renames to `NAME`, creating `dir` if needed. When `NAME` already
   * exists: same SHA-256 → `already-present`; different → `RemoteFileConflictError` and the
   * existing file is left untouched. A half-written `NAME` is never visible.
   */
  putAtomic(dir: string, name: string, source: Buffer | Readable): Promise<PutResult>;
  /**
   * Moves `dir/name` into `toDir` (root-relative, e.g. `${dir}/archive`), creating `toDir`.
   * Never overwrites: see {@link MoveResult}.
   */
  move(dir: string, name: string, toDir: string): Promise<MoveResult>;
  /** Creates `dir` and its parents inside the root. */
  ensureDir(dir: string): Promise<void>;
  /** True when `dir/name` is an existing regular file. */
  exists(dir: string, name: string): Promise<boolean>;
  /** Releases connections. The transport cannot be used afterwards. */
  close(): Promise<void>;
}

/** The subset of a pino logger the transports use. */
export interface TransportLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: TransportLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Suffix of in-progress uploads; readers only take `*.csv` / `*.json`, never `*.part`. */
export const PART_SUFFIX = '.part';

/** A directory entry as a concrete transport sees it, before filtering. */
export interface RawEntry {
  name: string;
  isFile: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * Keeps only regular files with safe names matching the anchored `pattern`, sorted by mtime then
 * name. `.` and `..` are dropped quietly; other unsafe names are reported through `logger.warn`
 * (JSON-escaped, so control characters in a hostile name cannot forge log lines).
 */
export function filterListing(raw: RawEntry[], pattern: RegExp, logger: TransportLogger, where: string): RemoteEntry[] {
  const out: RemoteEntry[] = [];
  for (const e of raw) {
    if (e.name === '.' || e.name === '..') continue; // every SFTP listing has them: skipped, not news
    const structural = unsafeNameReason(e.name);
    if (structural !== undefined) {
      logger.warn({ event: 'sftp-unsafe-name', dir: where, name: JSON.stringify(e.name), reason: structural }, 'skipped an unsafe remote file name');
      continue;
    }
    if (!e.isFile || !isSafeName(e.name, pattern)) continue;
    out.push({ name: e.name, size: e.size, mtime: new Date(e.mtimeMs) });
  }
  out.sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Hex SHA-256 of a buffer. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex SHA-256 of a stream's content (consumes the stream). */
export async function sha256OfStream(stream: AsyncIterable<Buffer | string>): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    h.update(b);
    size += b.length;
  }
  return { sha256: h.digest('hex'), size };
}

/** Collects a stream into one buffer. */
export async function streamToBuffer(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Iterates a put source as buffers (a Buffer is one chunk). */
export async function* sourceChunks(source: Buffer | Readable): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(source)) {
    if (source.length > 0) yield source;
    return;
  }
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

/**
 * A name for a file moved into a folder that already holds a different file of the same name:
 * `stem.moved-YYYYMMDDTHHMMSSZ-rand.ext` (the extension is kept so it still opens as a CSV).
 */
export function conflictFreeName(name: string, now = new Date()): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stem}.moved-${stamp}-${randomBytes(3).toString('hex')}${ext}`;
}

/** Posix-style join of root-relative folder parts, for messages and descriptions. */
export function displayPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}
