/**
 * File handling of the import runner: one local copy of a remote file (hashed while fetched, so what
 * is applied is exactly what was hashed), moves that tolerate another worker having moved the file
 * first, and the name of a file's error report.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RemoteFileNotFoundError } from '../sftp/errors';
import { sha256Hex, type RemoteEntry } from '../sftp/transport';
import type { FeedDeps, JobContext } from './common';

/** A fetched file: its hash and size, its bytes (reopened at will), and the cleanup of a temp copy. */
export interface LocalCopy {
  sha256: string;
  size: number;
  open(): Readable | Buffer;
  cleanup(): Promise<void>;
}

/** Fetches a file once: into memory up to `inMemoryLimit` bytes, else into a private temp file. */
export async function fetchLocal(deps: FeedDeps, dir: string, entry: RemoteEntry, inMemoryLimit: number): Promise<LocalCopy> {
  if (entry.size <= inMemoryLimit) {
    const buf = await deps.transport.read(dir, entry.name);
    return { sha256: sha256Hex(buf), size: buf.length, open: () => buf, cleanup: async () => {} };
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-feed-'));
  const file = path.join(tmp, 'content');
  const hash = createHash('sha256');
  let size = 0;
  try {
    const src = await deps.transport.readStream(dir, entry.name);
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(src, tap, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    sha256: hash.digest('hex'), size,
    open: () => createReadStream(file),
    cleanup: () => fsp.rm(tmp, { recursive: true, force: true }),
  };
}

/** True when the listed file is gone (another worker moved it): the error is then not ours. */
export async function goneMeanwhile(deps: FeedDeps, dir: string, name: string, e: unknown): Promise<boolean> {
  return e instanceof RemoteFileNotFoundError || !(await deps.transport.exists(dir, name).catch(() => true));
}

/** Moves the file to `{dir}/{to}`; a file another worker moved first is not an error. */
export async function moveQuietly(deps: FeedDeps, dir: string, name: string, to: string, ctx: JobContext): Promise<void> {
  try {
    await deps.transport.move(dir, name, `${dir}/${to}`);
  } catch (e) {
    // Another worker moved it first: what matters (the DB record) is committed.
    if (await goneMeanwhile(deps, dir, name, e)) {
      ctx.log.info({ file: name }, 'file already moved by another worker');
      return;
    }
    throw e;
  }
}

/** Name of the error report of `fileName` (claimed as `fileId`) in `error/`. */
export function errorReportName(fileName: string, fileId: string): string {
  const stem = fileName.replace(/\.(csv|json)$/i, '');
  return `${stem}_${fileId}.errors.csv`;
}
