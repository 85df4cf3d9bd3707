/**
 * One lazily (re)established SFTP connection with host-key pinning and connection retries.
 *
 * - The server's key must match `hostKeySha256`; it is checked in ssh2's `hostVerifier` during key
 *   exchange, so a wrong server never sees our credentials (fail closed).
 * - Connecting is retried with exponential backoff, each retry reported to `onRetry` and the
 *   logger; authentication failures, host-key mismatches and config errors are not retried.
 * - A dropped connection is re-established on the next call; an idempotent call that lost its
 *   connection midway is repeated once.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import {
  HostKeyMismatchError,
  SftpAuthError,
  SftpConnectionError,
  TransportClosedError,
  TransportConfigError,
  TransportError,
} from './errors';
import { fingerprintOfKey, formatFingerprint, parseFingerprint, sameFingerprint } from './fingerprint';
import { watchChannel } from './sftp-fs';
import { backoffDelay, resolveRetry, sleep, type RetryEvent, type RetryPolicy } from './retry';
import { silentLogger, type TransportLogger } from './transport';

export interface SftpTransportConfig {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** Contents of the private key file (OpenSSH or PEM). Preferred over a password. */
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  /**
   * SHA-256 fingerprint of the server's host key: `SHA256:<base64>` as printed by
   * `ssh-keygen -lf`, plain base64, or hex. Required unless `allowAnyHostKey`.
   */
  hostKeySha256?: string;
  /** Accept any host key (logged). DEVELOPMENT ONLY: anyone on the path can impersonate the server. */
  allowAnyHostKey?: boolean;
  /** Root folder of the feeds, default `/home/{username}/netsuite`. */
  root?: string;
  retry?: RetryPolicy;
  /** Called before each connection retry (in addition to a logger warning). */
  onRetry?: (event: RetryEvent) => void;
  /** SSH handshake timeout, default 20 000 ms. */
  readyTimeoutMs?: number;
  logger?: TransportLogger;
}

/** A live connection: the ssh2-sftp-client wrapper and the SFTP channel it opened. */
export interface Conn {
  client: SftpClient;
  sftp: SFTPWrapper;
  alive: boolean;
  /** undefined until tried; false once the server said it lacks posix-rename@openssh.com. */
  posixRename?: boolean;
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class SftpConnector {
  readonly root: string;
  /** `sftp://user@host:port/root`, without credentials. */
  readonly description: string;
  readonly logger: TransportLogger;
  private readonly cfg: SftpTransportConfig & { port: number };
  private readonly pinned?: Buffer;
  private readonly retry: Required<RetryPolicy>;
  private conn?: Conn;
  private connecting?: Promise<Conn>;
  private closedFlag = false;

  constructor(config: SftpTransportConfig) {
    const c = config ?? ({} as SftpTransportConfig);
    if (!c.host) throw new TransportConfigError('sftp: host is required');
    if (!c.username) throw new TransportConfigError('sftp: username is required');
    if (!c.privateKey && c.password === undefined) throw new TransportConfigError('sftp: privateKey or password is required');
    const port = c.port ?? 22;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TransportConfigError(`sftp: invalid port ${c.port}`);
    if (c.hostKeySha256) this.pinned = parseFingerprint(c.hostKeySha256);
    else if (!c.allowAnyHostKey) {
      throw new TransportConfigError(
        'sftp: hostKeySha256 is required (the server host key fingerprint, e.g. from `ssh-keyscan HOST | ssh-keygen -lf -`); ' +
          'allowAnyHostKey is for development only',
      );
    }
    if (c.privateKey) {
      const parsed = ssh2.utils.parseKey(c.privateKey, c.passphrase);
      if (parsed instanceof Error) throw new TransportConfigError(`sftp: cannot parse privateKey: ${parsed.message}`);
    }
    const root = c.root ?? `/home/${c.username}/netsuite`;
    if (!path.posix.isAbsolute(root) || root.includes('\u0000')) {
      throw new TransportConfigError(`sftp: root must be an absolute path, got ${JSON.stringify(root)}`);
    }
    this.root = path.posix.resolve(root);
    this.cfg = { ...c, port };
    this.retry = resolveRetry(c.retry);
    this.logger = c.logger ?? silentLogger;
    this.description = `sftp://${c.username}@${c.host}:${port}${this.root}`;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The live connection, connecting (with retries) when there is none. */
  async connection(): Promise<Conn> {
    if (this.closedFlag) throw new TransportClosedError();
    if (this.conn?.alive) return this.conn;
    if (this.conn) {
      // dropped (or only its SFTP channel closed): release it before reconnecting
      const old = this.conn;
      this.conn = undefined;
      this.logger.info({ event: 'sftp-reconnect', target: this.description }, 'SFTP connection dropped; reconnecting');
      void old.client.end().catch(() => {});
    }
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * Runs `fn` on a live connection. When the connection died under an idempotent call, it is
   * re-established (with backoff) and the call repeated once.
   */
  async run<T>(op: string, idempotent: boolean, fn: (c: Conn) => Promise<T>): Promise<T> {
    const c = await this.connection();
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof TransportError) throw e;
      await new Promise((r) => setImmediate(r)); // let close/end events land
      if (!c.alive && !this.closedFlag && idempotent) {
        this.logger.warn({ event: 'sftp-connection-lost', op, err: errorMessage(e) }, 'SFTP connection lost; reconnecting and retrying once');
        return fn(await this.connection());
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closedFlag = true;
    await this.connecting?.catch(() => {});
    const c = this.conn;
    this.conn = undefined;
    if (c) {
      c.alive = false;
      await c.client.end().catch(() => {});
    }
  }

  private async connectWithRetry(): Promise<Conn> {
    const policy = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        const c = await this.connectOnce();
        if (this.closedFlag) {
          await c.client.end().catch(() => {});
          throw new TransportClosedError();
        }
        this.conn = c;
        this.logger.info({ event: 'sftp-connected', target: this.description, attempt }, 'SFTP connected');
        return c;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        if (err instanceof TransportError) throw err; // config, auth, host key, closed: never retried
        if (attempt >= policy.attempts) {
          this.logger.error(
            { event: 'sftp-connect-failed', alert: true, target: this.description, attempts: attempt, err: err.message },
            'SFTP connection failed; giving up',
          );
          throw new SftpConnectionError(`could not connect to ${this.description} after ${attempt} attempt(s): ${err.message}`, attempt, { cause: err });
        }
        const delayMs = backoffDelay(policy, attempt);
        this.logger.warn(
          { event: 'sftp-connect-retry', target: this.description, attempt, attempts: policy.attempts, delayMs, err: err.message },
          'SFTP connection failed; retrying',
        );
        try {
          this.cfg.onRetry?.({ attempt, attempts: policy.attempts, delayMs, error: err });
        } catch {
          // a failing reporter must not break the retry loop
        }
        await sleep(delayMs);
        if (this.closedFlag) throw new TransportClosedError();
      }
    }
  }

  private async connectOnce(): Promise<Conn> {
    const { host, port, username } = this.cfg;
    let mismatch: string | undefined;
    let rawError: (Error & { level?: string }) | undefined;
    const state = { alive: false };
    const dead = () => {
      state.alive = false;
    };
    const client = new SftpClient('oms', {
      error: (e) => {
        dead();
        this.logger.debug({ event: 'sftp-connection-error', target: this.description, err: errorMessage(e) }, 'SFTP connection error');
      },
      end: dead,
      close: dead,
    });
    client.on('error', (e: Error & { level?: string }) => {
      rawError ??= e;
    });
    client.on('close', dead);
    client.on('end', dead);

    const hostVerifier = (key: Buffer): boolean => {
      const actual = createHash('sha256').update(key).digest();
      if (!this.pinned) {
        this.logger.warn(
          { event: 'sftp-host-key-unverified', host, port, actual: formatFingerprint(actual) },
          'allowAnyHostKey is set: SFTP host key NOT verified (development only)',
        );
        return true;
      }
      if (sameFingerprint(actual, this.pinned)) return true;
      mismatch = formatFingerprint(actual);
      return false;
    };

    try {
      const sftp = await client.connect({
        host,
        port,
        username,
        privateKey: this.cfg.privateKey,
        passphrase: this.cfg.passphrase,
        password: this.cfg.password,
        tryKeyboard: false,
        readyTimeout: this.cfg.readyTimeoutMs ?? 20_000,
        hostVerifier,
      });
      state.alive = true;
      watchChannel(sftp);
      sftp.on('end', dead);
      sftp.on('close', dead);
      return Object.assign(state, { client, sftp });
    } catch (e) {
      (client as unknown as { client?: { destroy?: () => void } }).client?.destroy?.();
      await client.end().catch(() => {});
      if (mismatch) {
        const expected = formatFingerprint(this.pinned!);
        this.logger.error(
          { event: 'sftp-host-key-mismatch', alert: true, host, port, expected, actual: mismatch },
          'SFTP host key mismatch: connection refused before authentication',
        );
        throw new HostKeyMismatchError(`${host}:${port}`, expected, mismatch);
      }
      if (rawError?.level === 'client-authentication') {
        const methods = [this.cfg.privateKey ? 'publickey' : undefined, this.cfg.password !== undefined ? 'password' : undefined].filter(Boolean).join(', ');
        const err = new SftpAuthError(
          `SFTP authentication failed for user "${username}" at ${host}:${port} (tried: ${methods}); check the credentials; not retried`,
          { cause: e },
        );
        this.logger.error({ event: 'sftp-auth-failed', alert: true, host, port, username, methods }, err.message);
        throw err;
      }
      throw e;
    }
  }
}

/** Fingerprint (OpenSSH form) of a public key line or a private key (what to pin for a server). */
export function hostKeyFingerprint(key: string | Buffer): string {
  const parsed = ssh2.utils.parseKey(key);
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!k || k instanceof Error) throw new TransportConfigError(`cannot parse key: ${k instanceof Error ? k.message : 'empty'}`);
  return fingerprintOfKey(k.getPublicSSH());
}
