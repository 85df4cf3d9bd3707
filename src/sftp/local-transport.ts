/**
 * `LocalDirTransport`: the feed folder layout in a local directory (`file:///abs/dir`), the
 * embedded default for the demo and for tests. Same semantics as the SFTP transport:
 * uploads go to `NAME.part` (opened with O_EXCL | O_NOFOLLOW) and are published with a hard link
 * (atomic and never overwriting; falls back to an existence check + `fs.rename` on file systems
 * without hard links); symlinks are never followed or listed.
 */
import { createHash } from 'node:crypto';
import { constants as C, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { RemoteFileConflictError, RemoteFileNotFoundError, TransportClosedError, TransportConfigError } from './errors';
import { joinInsideLocal, safeName } from './paths';
import {
  conflictFreeName,
  displayPath,
  filterListing,
  PART_SUFFIX,
  sha256Hex,
  sha256OfStream,
  silentLogger,
  sourceChunks,
  type FileTransport,
  type MoveResult,
  type PutResult,
  type RawEntry,
  type RemoteEntry,
  type TransportLogger,
} from './transport';

export interface LocalDirTransportConfig {
  /** Absolute path of the root folder (the `{root}` of contracts/feeds.md). */
  dir: string;
  logger?: TransportLogger;
}

const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export class LocalDirTransport implements FileTransport {
  readonly root: string;
  readonly description: string;
  protected readonly logger: TransportLogger;
  private closed = false;

  constructor(config: LocalDirTransportConfig) {
    if (!config?.dir || !path.isAbsolute(config.dir)) {
      throw new TransportConfigError(`local transport dir must be an absolute path, got ${JSON.stringify(config?.dir)}`);
    }
    this.root = path.resolve(config.dir);
    this.description = `file://${this.root}`;
    this.logger = config.logger ?? silentLogger;
  }

  private dirPath(dir: string): string {
    if (this.closed) throw new TransportClosedError();
    return joinInsideLocal(this.root, dir);
  }

  private filePath(dir: string, name: string): string {
    return joinInsideLocal(this.dirPath(dir), safeName(name));
  }

  /** Raw directory entries (lstat: symlinks are not files). A seam for tests. */
  protected async rawList(absDir: string): Promise<RawEntry[]> {
    const names = await fsp.readdir(absDir);
    const out: RawEntry[] = [];
    for (const name of names) {
      try {
        const st = await fsp.lstat(path.join(absDir, name));
        out.push({ name, isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs });
      } catch (e) {
        if (errCode(e) !== 'ENOENT') throw e; // vanished between readdir and lstat
      }
    }
    return out;
  }

  async list(dir: string, pattern: RegExp): Promise<RemoteEntry[]> {
    const abs = this.dirPath(dir);
    let raw: RawEntry[];
    try {
      raw = await this.rawList(abs);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return [];
      throw e;
    }
    return filterListing(raw, pattern, this.logger, displayPath(dir));
  }

  /** Opens a regular file for reading without following a symlink. */
  private async openRegular(dir: string, name: string) {
    const p = this.filePath(dir, name);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(p, C.O_RDONLY | O_NOFOLLOW);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ELOOP') throw new RemoteFileNotFoundError(displayPath(dir, name));
      throw e;
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new RemoteFileNotFoundError(displayPath(dir, name), 'not a regular file');
    }
    return fh;
  }

  async read(dir: string, name: string): Promise<Buffer> {
    const fh = await this.openRegular(dir, name);
    try {
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  async readStream(dir: string, name: string): Promise<Readable> {
    const fh = await this.openRegular(dir, name);
    return fh.createReadStream({ autoClose: true });
  }

  async sha256(dir: string, name: string): Promise<string> {
    return (await sha256OfStream(await this.readStream(dir, name))).sha256;
  }

  async exists(dir: string, name: string): Promise<boolean> {
    try {
      return (await fsp.lstat(this.filePath(dir, name))).isFile();
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return false;
      throw e;
    }
  }

  async ensureDir(dir: string): Promise<void> {
    await fsp.mkdir(this.dirPath(dir), { recursive: true });
  }

  async putAtomic(dir: string, name: string, source: Buffer | Readable): Promise<PutResult> {
    const finalPath = this.filePath(dir, name);
    const partPath = joinInsideLocal(this.dirPath(dir), safeName(name + PART_SUFFIX));
    const shown = displayPath(dir, name);
    await this.ensureDir(dir);

    if (await this.exists(dir, name)) {
      const incoming = Buffer.isBuffer(source) ? { sha256: sha256Hex(source), size: source.length } : await sha256OfStream(source);
      return this.compareExisting(dir, name, shown, incoming);
    }

    const written = await this.writePart(partPath, source);
    try {
      await publishNoClobber(partPath, finalPath);
    } catch (e) {
      if (errCode(e) === 'EEXIST') {
        await fsp.rm(partPath, { force: true });
        return this.compareExisting(dir, name, shown, written);
      }
      await fsp.rm(partPath, { force: true }).catch(() => {});
      throw e;
    }
    await fsyncDir(path.dirname(finalPath));
    this.logger.info({ event: 'sftp-put', path: shown, bytes: written.size, sha256: written.sha256 }, 'file written');
    return { status: 'written', ...written };
  }

  private async compareExisting(dir: string, name: string, shown: string, incoming: { sha256: string; size: number }): Promise<PutResult> {
    const existing = await this.sha256(dir, name);
    if (existing === incoming.sha256) {
      this.logger.info({ event: 'sftp-put-already-present', path: shown, sha256: existing }, 'identical file already present');
      return { status: 'already-present', ...incoming };
    }
    this.logger.error({ event: 'sftp-put-conflict', path: shown, existing, incoming: incoming.sha256 }, 'a different file of the same name exists');
    throw new RemoteFileConflictError(shown, existing, incoming.sha256);
  }

  /** Writes the source to `partPath` (O_EXCL; a stale part from a crashed run is replaced). */
  private async writePart(partPath: string, source: Buffer | Readable): Promise<{ sha256: string; size: number }> {
    const flags = C.O_WRONLY | C.O_CREAT | C.O_EXCL | O_NOFOLLOW;
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(partPath, flags, 0o644);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      this.logger.warn({ event: 'sftp-stale-part', path: partPath }, 'replacing a stale .part file');
      await fsp.rm(partPath, { force: true });
      fh = await fsp.open(partPath, flags, 0o644);
    }
    const h = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of sourceChunks(source)) {
        h.update(chunk);
        await fh.write(chunk, 0, chunk.length, size);
        size += chunk.length;
      }
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await fsp.rm(partPath, { force: true }).catch(() => {});
      throw e;
    }
    await fh.close();
    return { sha256: h.digest('hex'), size };
  }

  async move(dir: string, name: string, toDir: string): Promise<MoveResult> {
    const from = this.filePath(dir, name);
    if (!(await this.exists(dir, name))) throw new RemoteFileNotFoundError(displayPath(dir, name));
    await this.ensureDir(toDir);
    let target = name;
    for (let i = 0; i < 5; i++) {
      const to = this.filePath(toDir, target);
      try {
        await publishNoClobber(from, to);
        await fsyncDir(path.dirname(to));
        this.logger.info({ event: 'sftp-move', from: displayPath(dir, name), to: displayPath(toDir, target) }, 'file moved');
        return { status: 'moved', name: target };
      } catch (e) {
        if (errCode(e) !== 'EEXIST') throw e;
      }
      if (target === name && (await this.sha256(toDir, name)) === (await this.sha256(dir, name))) {
        await fsp.rm(from);
        this.logger.info(
          { event: 'sftp-move-already-present', from: displayPath(dir, name), to: displayPath(toDir, name) },
          'identical file already in target; source removed',
        );
        return { status: 'already-present', name };
      }
      target = conflictFreeName(name);
    }
    throw new Error(`could not find a free name for ${name} in ${toDir}`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * Makes `from` appear as `to` atomically without ever replacing an existing `to`
 * (EEXIST when it exists): link + unlink, or, where hard links are not supported,
 * an existence check followed by rename.
 */
async function publishNoClobber(from: string, to: string): Promise<void> {
  try {
    await fsp.link(from, to);
  } catch (e) {
    if (!LINK_UNSUPPORTED.has(errCode(e) ?? '')) throw e;
    try {
      await fsp.lstat(to);
      throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    } catch (e2) {
      if (errCode(e2) !== 'ENOENT') throw e2;
    }
    await fsp.rename(from, to);
    return;
  }
  await fsp.unlink(from);
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await fsp.open(dir, C.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort: not every platform allows fsync on a directory
  }
}
