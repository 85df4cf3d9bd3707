/**
 * Promise helpers over the raw ssh2 SFTP channel: exact SFTP status codes (2 = no such file),
 * `lstat`-based file checks (a symlink is not a regular file), `mkdir -p`, hashing, and a
 * pipelined upload.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import { RemoteFileNotFoundError } from './errors';
import { sha256OfStream, sourceChunks } from './transport';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
const NO_SUCH_FILE = 2;
const WRITE_CHUNK = 32 * 1024;
const WRITES_IN_FLIGHT = 8;

export const isNoSuchFile = (e: unknown) => (e as { code?: unknown })?.code === NO_SUCH_FILE;
const closedSignals = new WeakMap<SFTPWrapper, Promise<never>>();

/**
 * Makes calls on `sftp` fail once its channel has ended: ssh2 never calls back a request issued
 * on a closed channel, so without this a call after a dropped connection would hang forever.
 */
export function watchChannel(sftp: SFTPWrapper): void {
  if (closedSignals.has(sftp)) return;
  let fail: (e: Error) => void = () => {};
  const closed = new Promise<never>((_, reject) => (fail = reject));
  closed.catch(() => {});
  const onEnd = () => fail(Object.assign(new Error('SFTP channel closed (connection lost)'), { code: 'ERR_SFTP_CHANNEL_CLOSED' }));
  sftp.once('end', onEnd);
  sftp.once('close', onEnd);
  closedSignals.set(sftp, closed);
}

/** Promise form of one SFTP request; rejects when the channel is (or becomes) closed. */
export function call<T = void>(sftp: SFTPWrapper, fn: (cb: (err?: Error | null, value?: T) => void) => void): Promise<T> {
  const op = new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
  const closed = closedSignals.get(sftp);
  return closed ? Promise.race([op, closed]) : op;
}

export function modeIs(mode: number | undefined, type: number, longname?: string): boolean {
  if (typeof mode === 'number') return (mode & S_IFMT) === type;
  if (longname) return longname[0] === (type === S_IFREG ? '-' : 'd');
  return false;
}

export async function lstatOrUndefined(sftp: SFTPWrapper, p: string): Promise<Stats | undefined> {
  try {
    return await call<Stats>(sftp, (cb) => sftp.lstat(p, cb));
  } catch (e) {
    if (isNoSuchFile(e)) return undefined;
    throw e;
  }
}

export async function isRegularFile(sftp: SFTPWrapper, p: string): Promise<boolean> {
  const st = await lstatOrUndefined(sftp, p);
  return !!st && modeIs(st.mode, S_IFREG);
}

export async function requireRegularFile(sftp: SFTPWrapper, p: string, shown: string): Promise<Stats> {
  const st = await lstatOrUndefined(sftp, p);
  if (!st) throw new RemoteFileNotFoundError(shown);
  if (!modeIs(st.mode, S_IFREG)) throw new RemoteFileNotFoundError(shown, 'not a regular file');
  return st;
}

export async function mkdirs(sftp: SFTPWrapper, abs: string): Promise<void> {
  const st = await lstatOrUndefined(sftp, abs);
  if (st) {
    if (!modeIs(st.mode, S_IFDIR)) throw new Error(`${abs} exists and is not a directory`);
    return;
  }
  const parent = path.posix.dirname(abs);
  if (parent !== abs) await mkdirs(sftp, parent);
  try {
    await call(sftp, (cb) => sftp.mkdir(abs, cb));
  } catch (e) {
    const again = await lstatOrUndefined(sftp, abs); // created meanwhile by someone else?
    if (!again || !modeIs(again.mode, S_IFDIR)) throw e;
  }
}

export async function hashRemote(sftp: SFTPWrapper, p: string): Promise<string> {
  return (await sha256OfStream(openReadStream(sftp, p))).sha256;
}

/** Uploads the source to `partPath` with a few writes in flight; removes the part on failure. */
export async function uploadPart(sftp: SFTPWrapper, partPath: string, source: Buffer | Readable): Promise<{ sha256: string; size: number }> {
  const handle = await call<Buffer>(sftp, (cb) => sftp.open(partPath, 'w', cb));
  const h = createHash('sha256');
  let pos = 0;
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for await (const chunk of sourceChunks(source)) {
      h.update(chunk);
      for (let off = 0; off < chunk.length; off += WRITE_CHUNK) {
        const piece = chunk.subarray(off, Math.min(chunk.length, off + WRITE_CHUNK));
        const at = pos;
        pos += piece.length;
        const p: Promise<void> = call(sftp, (cb) => sftp.write(handle, piece, 0, piece.length, at, cb)).then(
          () => void pending.delete(p),
          (e) => {
            pending.delete(p);
            failure ??= e;
          },
        );
        pending.add(p);
        if (pending.size >= WRITES_IN_FLIGHT) await Promise.race(pending);
        if (failure) throw failure;
      }
    }
    await Promise.all(pending);
    if (failure) throw failure;
    await call(sftp, (cb) => sftp.close(handle, cb));
  } catch (e) {
    await Promise.allSettled(pending);
    await call(sftp, (cb) => sftp.close(handle, cb)).catch(() => {});
    await call(sftp, (cb) => sftp.unlink(partPath, cb)).catch(() => {});
    throw e;
  }
  return { sha256: h.digest('hex'), size: pos };
}

/**
 * A read stream of a remote file. Once it has ended, a failure of the final CLOSE request (the
 * connection went away right after the last byte) is ignored instead of surfacing as an
 * unhandled 'error' event that would crash the process; the content was already complete.
 */
export function openReadStream(sftp: SFTPWrapper, p: string): Readable {
  const rs = sftp.createReadStream(p) as unknown as Readable;
  let ended = false;
  rs.once('end', () => {
    ended = true;
    rs.on('error', () => {});
  });
  closedSignals.get(sftp)?.catch((e: Error) => {
    if (!ended && !rs.destroyed) rs.destroy(e); // an OPEN issued on a closed channel is never answered
  });
  return rs;
}
