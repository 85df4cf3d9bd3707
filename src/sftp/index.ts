/**
 * File transport for the NetSuite feeds: the public face of `src/sftp`. Typical use: the transport
 * built as `src/wiring.ts` builds it, then listing, reading and archiving files as the feeds do:
 *
 * ```ts
 * const url = parseTransportUrl(config.FEED_TRANSPORT_URL); // file:///abs/dir or sftp://user@host[:port][/root]
 * const t = url.kind === 'file'
 *   ? createTransport({ kind: 'file', dir: url.dir, logger })
 *   : createTransport({
 *       ...url, username: url.username ?? '', password: config.SFTP_PASSWORD, privateKeyPath: config.SFTP_PRIVATE_KEY_FILE,
 *       hostKeySha256: config.SFTP_HOST_KEY_SHA256, allowAnyHostKey: config.SFTP_ALLOW_ANY_HOST_KEY, logger,
 *     });
 * for (const f of await t.list('salesorder/rejectedorderitem', /.*-RejectedSalesOrderItemExport\.csv/)) {
 *   const body = await t.read('salesorder/rejectedorderitem', f.name);
 *   // … apply the rows, then:
 *   await t.move('salesorder/rejectedorderitem', f.name, 'salesorder/rejectedorderitem/archive');
 * }
 * await t.close();
 * ```
 * The `list` pattern is anchored by the transport. See README.md for the guarantees.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransportConfigError } from './errors';
import { LocalDirTransport, type LocalDirTransportConfig } from './local-transport';
import { SftpTransport, type SftpTransportConfig } from './sftp-transport';
import type { FileTransport } from './transport';

export type { FileTransport, RemoteEntry, PutResult, PutStatus, MoveResult, TransportLogger } from './transport';
export { PART_SUFFIX, silentLogger, sha256Hex } from './transport';
export type { RetryPolicy, RetryEvent } from './retry';
export {
  TransportError,
  TransportConfigError,
  UnsafePathError,
  RemoteFileConflictError,
  RemoteFileNotFoundError,
  HostKeyMismatchError,
  SftpAuthError,
  SftpConnectionError,
  TransportClosedError,
} from './errors';
export { safeName, isSafeName, unsafeNameReason, joinInside, joinInsideLocal, anchored } from './paths';
export { parseFingerprint, formatFingerprint, fingerprintOfKey } from './fingerprint';
export { SftpTransport, hostKeyFingerprint, type SftpTransportConfig } from './sftp-transport';
export { LocalDirTransport, type LocalDirTransportConfig } from './local-transport';

/** SFTP settings; `privateKeyPath` is read once here when `privateKey` is not given. */
export type SftpConfig = { kind: 'sftp'; privateKeyPath?: string } & SftpTransportConfig;
export type FileConfig = { kind: 'file' } & LocalDirTransportConfig;
export type TransportConfig = SftpConfig | FileConfig;

/** What a transport URL says; credentials and the host-key fingerprint come from elsewhere. */
export type ParsedTransportUrl =
  | { kind: 'file'; dir: string }
  | { kind: 'sftp'; host: string; port: number; username?: string; root?: string };

/** Builds the transport for a config object. Throws TransportConfigError on incomplete config. */
export function createTransport(config: TransportConfig): FileTransport {
  if (config?.kind === 'file') return new LocalDirTransport(config);
  if (config?.kind === 'sftp') {
    const { kind: _kind, privateKeyPath, ...rest } = config;
    let privateKey = rest.privateKey;
    if (!privateKey && privateKeyPath) {
      try {
        privateKey = readFileSync(privateKeyPath);
      } catch (e) {
        throw new TransportConfigError(`sftp: cannot read privateKeyPath ${privateKeyPath}: ${(e as Error).message}`);
      }
    }
    return new SftpTransport({ ...rest, privateKey });
  }
  throw new TransportConfigError(`unknown transport kind ${JSON.stringify((config as { kind?: unknown })?.kind)}`);
}

/**
 * Parses `file:///abs/dir` or `sftp://user@host[:port][/root/path]` (no password in the URL:
 * it would end up in logs and process lists). An SFTP URL without a path leaves the root to the
 * default `/home/{username}/netsuite`.
 */
export function parseTransportUrl(url: string): ParsedTransportUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TransportConfigError(`not a transport URL: ${JSON.stringify(url)} (expected file:///abs/dir or sftp://user@host:port/root)`);
  }
  if (u.search || u.hash) throw new TransportConfigError('transport URL must not have a query or fragment');
  if (u.protocol === 'file:') {
    if (u.host && u.host !== 'localhost') throw new TransportConfigError(`file URL must be local (file:///abs/dir), got host ${u.host}`);
    const dir = fileURLToPath(u);
    if (!path.isAbsolute(dir)) throw new TransportConfigError(`file URL must name an absolute directory: ${url}`);
    return { kind: 'file', dir: path.resolve(dir) };
  }
  if (u.protocol === 'sftp:') {
    if (u.password) throw new TransportConfigError('sftp URL must not contain a password; supply credentials separately');
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) throw new TransportConfigError(`sftp URL without a host: ${url}`);
    const port = u.port ? Number(u.port) : 22;
    const username = u.username ? decodeURIComponent(u.username) : undefined;
    const rawPath = decodeURIComponent(u.pathname);
    if (rawPath.includes('\u0000')) throw new TransportConfigError('sftp URL path contains NUL');
    const root = rawPath && rawPath !== '/' ? path.posix.resolve(rawPath) : undefined;
    return { kind: 'sftp', host, port, ...(username ? { username } : {}), ...(root ? { root } : {}) };
  }
  throw new TransportConfigError(`unsupported transport URL scheme ${u.protocol} (use file: or sftp:)`);
}
