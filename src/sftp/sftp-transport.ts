/**
 * `SftpTransport`: the NetSuite SFTP account, over ssh2-sftp-client (connection lifecycle, see
 * sftp-connection.ts) and the ssh2 SFTP channel it opens (file operations, see sftp-fs.ts).
 *
 * Atomic put: upload `NAME.part`, then `posix-rename@openssh.com` (plain rename where the server
 * lacks it). Moves use plain SFTP rename, which never replaces an existing target on OpenSSH.
 * See FileTransport for the rules on existing files.
 */
import type { Readable } from 'node:stream';
import type { FileEntryWithStats, SFTPWrapper } from 'ssh2';
import { RemoteFileConflictError, TransportClosedError } from './errors';
import { joinInside, safeName } from './paths';
import { errorMessage, SftpConnector, type Conn, type SftpTransportConfig } from './sftp-connection';
import {
  call, hashRemote, isNoSuchFile, isRegularFile, lstatOrUndefined, mkdirs, modeIs, openReadStream, requireRegularFile, S_IFREG, uploadPart,
} from './sftp-fs';
import {
  conflictFreeName,
  displayPath,
  filterListing,
  PART_SUFFIX,
  sha256Hex,
  sha256OfStream,
  streamToBuffer,
  type FileTransport,
  type MoveResult,
  type PutResult,
  type RemoteEntry,
  type TransportLogger,
} from './transport';

export { hostKeyFingerprint, type SftpTransportConfig } from './sftp-connection';

export class SftpTransport implements FileTransport {
  readonly root: string;
  readonly description: string;
  private readonly connector: SftpConnector;
  private readonly logger: TransportLogger;

  constructor(config: SftpTransportConfig) {
    this.connector = new SftpConnector(config);
    this.root = this.connector.root;
    this.description = this.connector.description;
    this.logger = this.connector.logger;
  }

  private dirPath(dir: string): string {
    if (this.connector.closed) throw new TransportClosedError();
    return joinInside(this.root, dir);
  }

  private filePath(dir: string, name: string): string {
    return joinInside(this.dirPath(dir), safeName(name));
  }

  /** posix-rename@openssh.com when the server has it (cached per connection), else plain rename. */
  private async renameInto(c: Conn, from: string, to: string): Promise<void> {
    if (c.posixRename !== false) {
      try {
        await call(c.sftp, (cb) => c.sftp.ext_openssh_rename(from, to, cb));
        c.posixRename = true;
        return;
      } catch (e) {
        if (!/does not support/i.test(errorMessage(e))) throw e;
        c.posixRename = false;
        this.logger.debug({ event: 'sftp-no-posix-rename', target: this.description }, 'server lacks posix-rename@openssh.com; using plain rename');
      }
    }
    await call(c.sftp, (cb) => c.sftp.rename(from, to, cb));
  }

  private async compareExisting(sftp: SFTPWrapper, finalPath: string, shown: string, incoming: { sha256: string; size: number }): Promise<PutResult> {
    const existing = await hashRemote(sftp, finalPath);
    if (existing === incoming.sha256) {
      this.logger.info({ event: 'sftp-put-already-present', path: shown, sha256: existing }, 'identical file already present');
      return { status: 'already-present', ...incoming };
    }
    this.logger.error(
      { event: 'sftp-put-conflict', alert: true, path: shown, existing, incoming: incoming.sha256 },
      'a different file of the same name exists',
    );
    throw new RemoteFileConflictError(shown, existing, incoming.sha256);
  }

  // ---------------------------------------------------------------- FileTransport

  async list(dir: string, pattern: RegExp): Promise<RemoteEntry[]> {
    const abs = this.dirPath(dir);
    return this.connector.run('list', true, async ({ sftp }) => {
      let entries: FileEntryWithStats[];
      try {
        // full: keep "." and ".." so our own filter (not ssh2's) is what rejects them
        const readdir = sftp.readdir as unknown as (p: string, o: object, cb: (e: Error | undefined, l: FileEntryWithStats[]) => void) => void;
        entries = await call<FileEntryWithStats[]>(sftp, (cb) => readdir.call(sftp, abs, { full: true }, cb));
      } catch (e) {
        if (isNoSuchFile(e)) return [];
        throw e;
      }
      const raw = entries.map((e) => ({
        name: e.filename,
        isFile: modeIs(e.attrs?.mode, S_IFREG, e.longname),
        size: e.attrs?.size ?? 0,
        mtimeMs: (e.attrs?.mtime ?? 0) * 1000,
      }));
      return filterListing(raw, pattern, this.logger, displayPath(dir));
    });
  }

  async read(dir: string, name: string): Promise<Buffer> {
    const p = this.filePath(dir, name);
    return this.connector.run('read', true, async ({ sftp }) => {
      await requireRegularFile(sftp, p, displayPath(dir, name));
      return streamToBuffer(openReadStream(sftp, p));
    });
  }

  async readStream(dir: string, name: string): Promise<Readable> {
    const p = this.filePath(dir, name);
    return this.connector.run('readStream', true, async ({ sftp }) => {
      await requireRegularFile(sftp, p, displayPath(dir, name));
      return openReadStream(sftp, p);
    });
  }

  async sha256(dir: string, name: string): Promise<string> {
    const p = this.filePath(dir, name);
    return this.connector.run('sha256', true, async ({ sftp }) => {
      await requireRegularFile(sftp, p, displayPath(dir, name));
      return hashRemote(sftp, p);
    });
  }

  async exists(dir: string, name: string): Promise<boolean> {
    const p = this.filePath(dir, name);
    return this.connector.run('exists', true, ({ sftp }) => isRegularFile(sftp, p));
  }

  async ensureDir(dir: string): Promise<void> {
    const abs = this.dirPath(dir);
    await this.connector.run('ensureDir', true, ({ sftp }) => mkdirs(sftp, abs));
  }

  async putAtomic(dir: string, name: string, source: Buffer | Readable): Promise<PutResult> {
    const dirAbs = this.dirPath(dir);
    const finalPath = joinInside(dirAbs, safeName(name));
    const partPath = joinInside(dirAbs, safeName(name + PART_SUFFIX));
    const shown = displayPath(dir, name);
    // A Buffer can be sent again after a lost connection; a stream cannot.
    return this.connector.run('putAtomic', Buffer.isBuffer(source), async (c) => {
      const { sftp } = c;
      await mkdirs(sftp, dirAbs);
      if (await isRegularFile(sftp, finalPath)) {
        const incoming = Buffer.isBuffer(source) ? { sha256: sha256Hex(source), size: source.length } : await sha256OfStream(source);
        return this.compareExisting(sftp, finalPath, shown, incoming);
      }
      const written = await uploadPart(sftp, partPath, source);
      const removePart = () => call(sftp, (cb) => sftp.unlink(partPath, cb)).catch(() => {});
      const st = await lstatOrUndefined(sftp, partPath);
      if (!st || st.size !== written.size) {
        await removePart();
        throw new Error(`upload of ${shown} incomplete: ${st?.size ?? 'no'} bytes on the server, ${written.size} sent`);
      }
      if (await isRegularFile(sftp, finalPath)) {
        await removePart();
        return this.compareExisting(sftp, finalPath, shown, written);
      }
      try {
        await this.renameInto(c, partPath, finalPath);
      } catch (e) {
        if (await isRegularFile(sftp, finalPath).catch(() => false)) {
          await removePart();
          return this.compareExisting(sftp, finalPath, shown, written);
        }
        await removePart();
        throw e;
      }
      this.logger.info({ event: 'sftp-put', path: shown, bytes: written.size, sha256: written.sha256 }, 'file written');
      return { status: 'written' as const, ...written };
    });
  }

  async move(dir: string, name: string, toDir: string): Promise<MoveResult> {
    const from = this.filePath(dir, name);
    const toAbs = this.dirPath(toDir);
    return this.connector.run('move', false, async ({ sftp }) => {
      await requireRegularFile(sftp, from, displayPath(dir, name));
      await mkdirs(sftp, toAbs);
      let target = name;
      for (let i = 0; i < 5; i++) {
        const to = joinInside(toAbs, safeName(target));
        if (!(await lstatOrUndefined(sftp, to))) {
          try {
            // plain SFTP rename: refuses to replace an existing target (OpenSSH: link + unlink)
            await call(sftp, (cb) => sftp.rename(from, to, cb));
            this.logger.info({ event: 'sftp-move', from: displayPath(dir, name), to: displayPath(toDir, target) }, 'file moved');
            return { status: 'moved' as const, name: target };
          } catch (e) {
            if (!(await lstatOrUndefined(sftp, to))) throw e;
          }
        }
        if (target === name && (await isRegularFile(sftp, to)) && (await hashRemote(sftp, to)) === (await hashRemote(sftp, from))) {
          await call(sftp, (cb) => sftp.unlink(from, cb));
          this.logger.info(
            { event: 'sftp-move-already-present', from: displayPath(dir, name), to: displayPath(toDir, name) },
            'identical file already in target; source removed',
          );
          return { status: 'already-present' as const, name };
        }
        target = conflictFreeName(name);
      }
      throw new Error(`could not find a free name for ${name} in ${toDir}`);
    });
  }

  async close(): Promise<void> {
    await this.connector.close();
  }
}
