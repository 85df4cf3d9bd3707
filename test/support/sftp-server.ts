/**
 * A real SFTP server for tests, in process, on 127.0.0.1 (random port), built on `ssh2.Server`.
 *
 * - ed25519 host key, password and public-key (ed25519) authentication.
 * - Every SFTP v3 request (OPEN/READ/WRITE/CLOSE/FSTAT/FSETSTAT/OPENDIR/READDIR/STAT/LSTAT/
 *   REALPATH/MKDIR/RMDIR/REMOVE/RENAME/SETSTAT) plus `posix-rename@openssh.com` is served from a
 *   jail directory: virtual `/` is `rootDir`, the login directory is `/home/{username}`; no path
 *   resolves outside the jail and symlinks are not followed out of it.
 * - Plain RENAME refuses to replace an existing target (SFTP v3 / OpenSSH behaviour);
 *   posix-rename replaces atomically.
 * - Requests of one SFTP session are handled one after another, as OpenSSH's sftp-server does.
 * - Test hooks: crafted READDIR names, failing the next N connections, slowed writes, and counters
 *   (connections, authentication attempts, renames) to assert on.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as C, promises as fsp, realpathSync, type Stats as FsStats } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, Connection, InputAttributes, SFTPWrapper } from 'ssh2';
import { fingerprintOfKey } from '../../src/sftp/fingerprint';

const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

export interface SftpServerOptions {
  username?: string;
  password?: string;
  /** Jail directory (virtual `/`); a fresh temp directory by default, removed on close. */
  rootDir?: string;
  /** Advertise `posix-rename@openssh.com` in the SFTP VERSION packet (default true). */
  advertisePosixRename?: boolean;
}

export interface AuthAttempt {
  username: string;
  method: string;
  ok: boolean;
}

export interface CraftedName {
  name: string;
  /** Virtual directory whose listing gets the name; every directory when omitted. */
  dir?: string;
}

export interface SftpServerStats {
  /** TCP connections accepted (including the ones failed on purpose). */
  connections: number;
  /** Connections dropped on purpose by `failNextConnections`. */
  failedConnections: number;
  /** Every authentication request that reached the server. */
  authAttempts: AuthAttempt[];
  sftpSessions: number;
  renames: { plain: number; posix: number };
}

export interface SftpTestServer {
  host: '127.0.0.1';
  port: number;
  /** `SHA256:<base64>` fingerprint of the server's host key. */
  hostKeySha256: string;
  /** Jail directory on disk (virtual `/`). */
  rootDir: string;
  /** Virtual login directory, `/home/{username}`. */
  homeDir: string;
  username: string;
  password: string;
  /** OpenSSH private key (ed25519) accepted for `username`. */
  privateKey: string;
  /** Its public key line. */
  publicKey: string;
  stats: SftpServerStats;
  /** On-disk path of a virtual path (for assertions). */
  diskPath(virtualPath: string): string;
  /** Adds crafted names to READDIR results (they do not exist on disk). */
  injectReaddirNames(names: Array<string | CraftedName>): void;
  clearInjectedNames(): void;
  /** The next `n` TCP connections are reset before the SSH handshake. */
  failNextConnections(n: number): void;
  /** Each WRITE request waits `ms` before it is applied (0 = off). */
  setWriteDelay(ms: number): void;
  /** Drops every open client connection (the server keeps listening). */
  dropConnections(): void;
  close(): Promise<void>;
}

type DirEntry = { filename: string; longname: string; attrs: Attributes };
type Handle = { kind: 'file'; fh: fsp.FileHandle } | { kind: 'dir'; disk: string; virt: string; entries?: DirEntry[] };

class SftpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const READDIR_BATCH = 100;

function statusOf(e: unknown): number {
  if (e instanceof SftpError) return e.status;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

function toAttrs(st: FsStats): Attributes {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

function longname(name: string, a: Attributes): string {
  const fmt = a.mode & 0o170000;
  const type = fmt === 0o040000 ? 'd' : fmt === 0o120000 ? 'l' : fmt === 0o100000 ? '-' : '?';
  const perms = 'rwxrwxrwx'
    .split('')
    .map((c, i) => (a.mode & (1 << (8 - i)) ? c : '-'))
    .join('');
  const d = new Date(a.mtime * 1000);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${perms}    1 ${a.uid} ${a.gid} ${String(a.size).padStart(10)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${hm} ${name}`;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SFTP VERSION packet (v3) with extensions. */
function versionPacket(extensions: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from([2, 0, 0, 0, 3])];
  for (const [k, v] of Object.entries(extensions)) {
    for (const s of [k, v]) {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/**
 * ssh2's server always answers INIT with a VERSION packet without extensions. To advertise
 * posix-rename like OpenSSH, the one outgoing VERSION packet of this channel is swapped for one
 * with extensions (the SSH channel window is charged for the extra bytes).
 */
function advertiseExtensions(sftp: SFTPWrapper, extensions: Record<string, string>): void {
  const internals = sftp as unknown as { _protocol: { channelData(id: number, data: Buffer): void }; outgoing: { id: number; window: number } };
  const proto = internals._protocol;
  const original = proto.channelData;
  const plain = versionPacket({});
  const withExt = versionPacket(extensions);
  const outgoingId = internals.outgoing.id;
  proto.channelData = function (this: unknown, id: number, data: Buffer) {
    if (id === outgoingId && data.equals(plain)) {
      proto.channelData = original;
      internals.outgoing.window -= withExt.length - plain.length;
      return original.call(this, id, withExt);
    }
    return original.call(this, id, data);
  };
}

function readSshString(buf: Buffer, off: number): [string, number] {
  if (off + 4 > buf.length) throw new SftpError(STATUS_CODE.BAD_MESSAGE, 'malformed request');
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) throw new SftpError(STATUS_CODE.BAD_MESSAGE, 'malformed request');
  return [buf.toString('utf8', off + 4, off + 4 + len), off + 4 + len];
}

/**
 * An ed25519 key pair ssh2 can read back. ssh2 1.17's generator drops leading zero bytes of the
 * public key, so about 1 pair in 256 does not parse (mscdex/ssh2#1513): draw again until both halves do.
 */
export function parseableKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

export async function startSftpServer(opts: SftpServerOptions = {}): Promise<SftpTestServer> {
  const username = opts.username ?? 'nsftp';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const ownRoot = !opts.rootDir;
  const rootDir = realpathSync(opts.rootDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-sftp-'))));
  const homeDir = `/home/${username}`;
  await fsp.mkdir(path.join(rootDir, homeDir), { recursive: true });

  const hostKey = parseableKeyPair();
  const hostKeySha256 = fingerprintOfKey((utils.parseKey(hostKey.private) as ssh2.ParsedKey).getPublicSSH());
  const clientKey = parseableKeyPair();
  const clientPub = utils.parseKey(clientKey.public) as ssh2.ParsedKey;

  const stats: SftpServerStats = { connections: 0, failedConnections: 0, authAttempts: [], sftpSessions: 0, renames: { plain: 0, posix: 0 } };
  let crafted: CraftedName[] = [];
  let failNext = 0;
  let writeDelayMs = 0;
  const sockets = new Set<net.Socket>();
  const clients = new Set<Connection>();

  // ------------------------------------------------------------------ jail
  function resolve(p: string): { virt: string; disk: string } {
    if (typeof p !== 'string' || p.includes('\u0000')) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'invalid path');
    const virt = path.posix.resolve(homeDir, p === '' ? '.' : p);
    const disk = path.join(rootDir, ...virt.split('/').filter(Boolean));
    if (disk !== rootDir && !disk.startsWith(rootDir + path.sep)) throw new SftpError(STATUS_CODE.PERMISSION_DENIED, 'outside the jail');
    // The deepest existing ancestor must really be inside the jail (no symlink escapes).
    let probe = disk;
    for (;;) {
      try {
        const real = realpathSync(probe);
        if (real !== rootDir && !real.startsWith(rootDir + path.sep)) throw new SftpError(STATUS_CODE.PERMISSION_DENIED, 'outside the jail');
        break;
      } catch (e) {
        if (e instanceof SftpError) throw e;
        if (probe === rootDir) break;
        probe = path.dirname(probe);
      }
    }
    return { virt, disk };
  }

  async function applyAttrs(target: string | fsp.FileHandle, attrs: InputAttributes): Promise<void> {
    const isPath = typeof target === 'string';
    if (typeof attrs.size === 'number') await (isPath ? fsp.truncate(target, attrs.size) : target.truncate(attrs.size));
    if (typeof attrs.mode === 'number') await (isPath ? fsp.chmod(target, attrs.mode & 0o7777) : target.chmod(attrs.mode & 0o7777));
    if (attrs.atime !== undefined && attrs.mtime !== undefined) {
      const at = attrs.atime as number | Date;
      const mt = attrs.mtime as number | Date;
      await (isPath ? fsp.utimes(target, at, mt) : target.utimes(at, mt));
    }
  }

  // ------------------------------------------------------------------ SFTP session
  function serveSftp(sftp: SFTPWrapper): void {
    stats.sftpSessions++;
    if (opts.advertisePosixRename !== false) advertiseExtensions(sftp, { 'posix-rename@openssh.com': '1' });
    const handles = new Map<string, Handle>();
    let nextHandle = 0;
    let chain: Promise<void> = Promise.resolve();

    const newHandle = (h: Handle): Buffer => {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(nextHandle++);
      handles.set(id.toString('hex'), h);
      return id;
    };
    const getHandle = (id: Buffer, kind: Handle['kind']): Handle => {
      const h = handles.get(id.toString('hex'));
      if (!h || h.kind !== kind) throw new SftpError(STATUS_CODE.FAILURE, 'invalid handle');
      return h;
    };
    const fileOf = (id: Buffer) => (getHandle(id, 'file') as Extract<Handle, { kind: 'file' }>).fh;

    // Requests of one session run one after another; a failure becomes a STATUS reply.
    const on = (event: string, fn: (reqid: number, ...args: any[]) => Promise<void>) => {
      (sftp as unknown as NodeJS.EventEmitter).on(event, (reqid: number, ...args: unknown[]) => {
        chain = chain
          .then(() => fn(reqid, ...args))
          .catch((e) => {
            try {
              sftp.status(reqid, statusOf(e), (e as Error).message);
            } catch {
              // channel already gone
            }
          });
      });
    };
    const ok = (reqid: number) => sftp.status(reqid, STATUS_CODE.OK);

    on('OPEN', async (reqid, filename: string, flags: number, attrs: Attributes) => {
      const { disk } = resolve(filename);
      const rw = flags & OPEN_MODE.READ && flags & OPEN_MODE.WRITE;
      let f = rw ? C.O_RDWR : flags & OPEN_MODE.WRITE ? C.O_WRONLY : C.O_RDONLY;
      if (flags & OPEN_MODE.APPEND) f |= C.O_APPEND;
      if (flags & OPEN_MODE.CREAT) f |= C.O_CREAT;
      if (flags & OPEN_MODE.TRUNC) f |= C.O_TRUNC;
      if (flags & OPEN_MODE.EXCL) f |= C.O_EXCL;
      const fh = await fsp.open(disk, f | C.O_NOFOLLOW, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o644);
      sftp.handle(reqid, newHandle({ kind: 'file', fh }));
    });
    on('READ', async (reqid, id: Buffer, offset: number, len: number) => {
      const fh = fileOf(id);
      const buf = Buffer.alloc(Math.min(len, 256 * 1024));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buf.subarray(0, bytesRead));
    });
    on('WRITE', async (reqid, id: Buffer, offset: number, data: Buffer) => {
      const fh = fileOf(id);
      if (writeDelayMs > 0) await new Promise((r) => setTimeout(r, writeDelayMs));
      await fh.write(data, 0, data.length, offset);
      ok(reqid);
    });
    on('FSTAT', async (reqid, id: Buffer) => sftp.attrs(reqid, toAttrs(await fileOf(id).stat())));
    on('FSETSTAT', async (reqid, id: Buffer, attrs: InputAttributes) => {
      await applyAttrs(fileOf(id), attrs);
      ok(reqid);
    });
    on('CLOSE', async (reqid, id: Buffer) => {
      const key = id.toString('hex');
      const h = handles.get(key);
      if (!h) throw new SftpError(STATUS_CODE.FAILURE, 'invalid handle');
      handles.delete(key);
      if (h.kind === 'file') await h.fh.close();
      ok(reqid);
    });
    on('OPENDIR', async (reqid, p: string) => {
      const { disk, virt } = resolve(p);
      const st = await fsp.stat(disk);
      if (!st.isDirectory()) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', disk, virt }));
    });
    on('READDIR', async (reqid, id: Buffer) => {
      const h = getHandle(id, 'dir') as Extract<Handle, { kind: 'dir' }>;
      if (!h.entries) {
        const entries: DirEntry[] = [];
        const add = (filename: string, attrs: Attributes) => entries.push({ filename, longname: longname(filename, attrs), attrs });
        add('.', toAttrs(await fsp.lstat(h.disk)));
        add('..', toAttrs(await fsp.lstat(path.dirname(h.disk))));
        for (const name of await fsp.readdir(h.disk)) {
          try {
            add(name, toAttrs(await fsp.lstat(path.join(h.disk, name))));
          } catch {
            // vanished meanwhile
          }
        }
        const now = Math.floor(Date.now() / 1000);
        for (const c of crafted) {
          if (c.dir === undefined || path.posix.resolve(homeDir, c.dir) === h.virt) {
            add(c.name, { mode: 0o100644, uid: 0, gid: 0, size: 42, atime: now, mtime: now });
          }
        }
        h.entries = entries;
      }
      if (h.entries.length === 0) return void sftp.status(reqid, STATUS_CODE.EOF);
      sftp.name(reqid, h.entries.splice(0, READDIR_BATCH)); // batches keep each reply under the packet limit
    });
    on('LSTAT', async (reqid, p: string) => sftp.attrs(reqid, toAttrs(await fsp.lstat(resolve(p).disk))));
    on('STAT', async (reqid, p: string) => sftp.attrs(reqid, toAttrs(await fsp.stat(resolve(p).disk))));
    on('SETSTAT', async (reqid, p: string, attrs: InputAttributes) => {
      await applyAttrs(resolve(p).disk, attrs);
      ok(reqid);
    });
    on('REALPATH', async (reqid, p: string) => {
      const { virt } = resolve(p);
      sftp.name(reqid, [{ filename: virt, longname: virt, attrs: {} as Attributes }]);
    });
    on('MKDIR', async (reqid, p: string, attrs: InputAttributes) => {
      await fsp.mkdir(resolve(p).disk, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o755);
      ok(reqid);
    });
    on('RMDIR', async (reqid, p: string) => {
      await fsp.rmdir(resolve(p).disk);
      ok(reqid);
    });
    on('REMOVE', async (reqid, p: string) => {
      const { disk } = resolve(p);
      if ((await fsp.lstat(disk)).isDirectory()) throw new SftpError(STATUS_CODE.FAILURE, 'is a directory');
      await fsp.unlink(disk);
      ok(reqid);
    });
    on('RENAME', async (reqid, from: string, to: string) => {
      const src = resolve(from).disk;
      const dst = resolve(to).disk;
      const st = await fsp.lstat(src);
      if (st.isFile()) {
        // like OpenSSH: link + unlink, so an existing target is never replaced
        await fsp.link(src, dst).catch((e) => {
          throw (e as NodeJS.ErrnoException).code === 'EEXIST' ? new SftpError(STATUS_CODE.FAILURE, 'target exists') : e;
        });
        await fsp.unlink(src);
      } else {
        if (await fsp.lstat(dst).then(() => true, () => false)) throw new SftpError(STATUS_CODE.FAILURE, 'target exists');
        await fsp.rename(src, dst);
      }
      stats.renames.plain++;
      ok(reqid);
    });
    on('EXTENDED', async (reqid, name: string, data: Buffer) => {
      if (name !== 'posix-rename@openssh.com' || opts.advertisePosixRename === false) {
        throw new SftpError(STATUS_CODE.OP_UNSUPPORTED, `unsupported extension ${name}`);
      }
      const [from, next] = readSshString(data ?? Buffer.alloc(0), 0);
      const [to] = readSshString(data, next);
      await fsp.rename(resolve(from).disk, resolve(to).disk);
      stats.renames.posix++;
      ok(reqid);
    });
    on('READLINK', async () => {
      throw new SftpError(STATUS_CODE.OP_UNSUPPORTED, 'symlinks are not supported');
    });
    on('SYMLINK', async () => {
      throw new SftpError(STATUS_CODE.OP_UNSUPPORTED, 'symlinks are not supported');
    });

    const cleanup = () => {
      for (const h of handles.values()) if (h.kind === 'file') void h.fh.close().catch(() => {});
      handles.clear();
    };
    sftp.on('close', cleanup);
    sftp.on('end', cleanup);
  }

  // ------------------------------------------------------------------ SSH server
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      const attempt: AuthAttempt = { username: ctx.username, method: ctx.method, ok: false };
      stats.authAttempts.push(attempt);
      const userOk = ctx.username === username;
      if (ctx.method === 'password') {
        if (userOk && safeEqual(Buffer.from(ctx.password), Buffer.from(password))) {
          attempt.ok = true;
          return ctx.accept();
        }
        return ctx.reject(['publickey', 'password']);
      }
      if (ctx.method === 'publickey') {
        const known = ctx.key.algo === clientPub.type && safeEqual(ctx.key.data, clientPub.getPublicSSH());
        if (!userOk || !known) return ctx.reject(['publickey', 'password']);
        if (ctx.signature && ctx.blob && clientPub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey', 'password']);
        if (ctx.signature) attempt.ok = true;
        return ctx.accept();
      }
      return ctx.reject(['publickey', 'password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp()));
      });
    });
  });

  // A plain TCP front so connections can be failed before ssh2 sees them.
  const front = net.createServer((socket) => {
    stats.connections++;
    if (failNext > 0) {
      failNext--;
      stats.failedConnections++;
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    server.injectSocket(socket);
  });
  await new Promise<void>((res, rej) => {
    front.once('error', rej);
    front.listen(0, '127.0.0.1', () => res());
  });
  const port = (front.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    hostKeySha256,
    rootDir,
    homeDir,
    username,
    password,
    privateKey: clientKey.private,
    publicKey: clientKey.public,
    stats,
    diskPath: (virtualPath: string) => resolve(virtualPath).disk,
    injectReaddirNames(names) {
      crafted.push(...names.map((n) => (typeof n === 'string' ? { name: n } : n)));
    },
    clearInjectedNames() {
      crafted = [];
    },
    failNextConnections(n) {
      failNext = n;
    },
    setWriteDelay(ms) {
      writeDelayMs = ms;
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const c of clients) c.end();
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => front.close(() => res()));
      if (ownRoot) await fsp.rm(rootDir, { recursive: true, force: true });
    },
  };
}
