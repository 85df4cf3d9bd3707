/**
 * SFTP-only behaviour against the in-process server: host-key pinning (reliability.md scenario 20),
 * connection retries and auth failures (scenario 18), lazy reconnect, posix-rename use.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTransport,
  fingerprintOfKey,
  HostKeyMismatchError,
  hostKeyFingerprint,
  parseFingerprint,
  SftpAuthError,
  SftpConnectionError,
  SftpTransport,
  TransportClosedError,
  TransportConfigError,
  type RetryEvent,
} from '../../src/sftp';
import { parseableKeyPair, startSftpServer, type SftpTestServer } from '../support/sftp-server';
import { sha256Hex } from '../../src/sftp/transport';
import { memoryLogger, sftpConfig, sleep, slowSource } from './harness';

describe('SftpTransport against the in-process SFTP server', () => {
  let server: SftpTestServer;
  const open: SftpTransport[] = [];
  const transport = (...args: Parameters<typeof sftpConfig>) => {
    const t = new SftpTransport(sftpConfig(...args));
    open.push(t);
    return t;
  };
  const resetStats = () => {
    server.stats.connections = 0;
    server.stats.failedConnections = 0;
    server.stats.authAttempts.length = 0;
    server.stats.renames.plain = 0;
    server.stats.renames.posix = 0;
  };

  beforeAll(async () => {
    server = await startSftpServer();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    server.failNextConnections(0);
    resetStats();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('connects with password or ed25519 key; the default root is /home/{user}/netsuite', async () => {
    const byPassword = transport(server);
    expect(byPassword.root).toBe(`/home/${server.username}/netsuite`);
    expect(byPassword.description).toBe(`sftp://${server.username}@127.0.0.1:${server.port}/home/${server.username}/netsuite`);
    await byPassword.putAtomic('salesorder/update', 'x.csv', Buffer.from('x'));
    const byKey = transport(server, { password: undefined, privateKey: server.privateKey });
    expect((await byKey.read('salesorder/update', 'x.csv')).toString()).toBe('x');
    expect(server.stats.authAttempts.filter((a) => a.ok).map((a) => a.method).sort()).toEqual(['password', 'publickey']);
  });

  it('uses posix-rename@openssh.com when the server offers it', async () => {
    const t = transport(server);
    await t.putAtomic('pr', 'a.csv', Buffer.from('a'));
    expect(server.stats.renames).toEqual({ posix: 1, plain: 0 });
  });

  it('falls back to plain rename when the server lacks posix-rename', async () => {
    const plain = await startSftpServer({ advertisePosixRename: false });
    try {
      const t = transport(plain);
      await t.putAtomic('pr', 'a.csv', Buffer.from('a'));
      await t.putAtomic('pr', 'b.csv', Buffer.from('b'));
      expect(plain.stats.renames).toEqual({ posix: 0, plain: 2 });
    } finally {
      await Promise.all(open.splice(0).map((x) => x.close()));
      await plain.close();
    }
  });

  it('host key mismatch: refused before authentication, with both fingerprints named, not retried', async () => {
    const other = parseableKeyPair();
    const wrong = hostKeyFingerprint(other.public);
    const logger = memoryLogger();
    const retries: RetryEvent[] = [];
    const t = transport(server, { hostKeySha256: wrong, logger, onRetry: (e) => retries.push(e) });
    const err = await t.list('x', /.*/).catch((e) => e);
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect(err).toMatchObject({ code: 'SFTP_HOST_KEY_MISMATCH', expected: wrong, actual: server.hostKeySha256 });
    expect(err.message).toContain(wrong);
    expect(err.message).toContain(server.hostKeySha256);
    // the server saw the TCP connection but never an authentication request
    expect(server.stats.connections).toBe(1);
    expect(server.stats.authAttempts).toEqual([]);
    expect(retries).toEqual([]);
    expect(logger.records.find((r) => r.obj.event === 'sftp-host-key-mismatch')).toMatchObject({ level: 'error', obj: { alert: true } });
    // asking again does not silently accept the key
    await expect(t.exists('x', 'y.csv')).rejects.toBeInstanceOf(HostKeyMismatchError);
    expect(server.stats.authAttempts).toEqual([]);
  });

  it('accepts the pinned fingerprint as SHA256:base64, plain base64 or hex', async () => {
    const raw = parseFingerprint(server.hostKeySha256);
    for (const form of [server.hostKeySha256, raw.toString('base64'), raw.toString('hex'), raw.toString('hex').replace(/(..)(?!$)/g, '$1:').toUpperCase()]) {
      const t = transport(server, { hostKeySha256: form });
      expect(await t.exists('nowhere', 'x.csv')).toBe(false);
    }
  });

  it('a missing fingerprint is a config error unless allowAnyHostKey (development only, logged)', async () => {
    expect(() => new SftpTransport(sftpConfig(server, { hostKeySha256: undefined }))).toThrow(TransportConfigError);
    expect(() => new SftpTransport(sftpConfig(server, { hostKeySha256: 'SHA256:nope' }))).toThrow(TransportConfigError);
    const logger = memoryLogger();
    const t = transport(server, { hostKeySha256: undefined, allowAnyHostKey: true, logger });
    expect(await t.exists('x', 'y.csv')).toBe(false);
    expect(logger.records.find((r) => r.obj.event === 'sftp-host-key-unverified')).toMatchObject({ level: 'warn', obj: { actual: server.hostKeySha256 } });
  });

  it('connection failures are retried with exponential backoff and reported, then succeed', async () => {
    server.failNextConnections(3);
    const retries: RetryEvent[] = [];
    const logger = memoryLogger();
    const t = transport(server, { retry: { attempts: 5, baseDelayMs: 20, jitter: 0 }, onRetry: (e) => retries.push(e), logger });
    const started = Date.now();
    await t.putAtomic('retry', 'r.csv', Buffer.from('r'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 + 80 - 5);
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 20],
      [2, 40],
      [3, 80],
    ]);
    expect(retries.every((r) => r.attempts === 5 && r.error instanceof Error)).toBe(true);
    expect(logger.records.filter((r) => r.obj.event === 'sftp-connect-retry')).toHaveLength(3);
    expect(server.stats.failedConnections).toBe(3);
    expect(server.stats.connections).toBe(4);
    expect((await t.read('retry', 'r.csv')).toString()).toBe('r');
  });

  it('gives up after the configured attempts with SftpConnectionError', async () => {
    server.failNextConnections(10);
    const retries: RetryEvent[] = [];
    const t = transport(server, { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 8, jitter: 0 }, onRetry: (e) => retries.push(e) });
    const err = await t.list('x', /.*/).catch((e) => e);
    expect(err).toBeInstanceOf(SftpConnectionError);
    expect(err).toMatchObject({ attempts: 3, code: 'SFTP_CONNECTION_FAILED' });
    expect(retries.map((r) => r.delayMs)).toEqual([5, 8]);
    expect(server.stats.connections).toBe(3);
  });

  it('an authentication failure is reported clearly and not retried', async () => {
    const retries: RetryEvent[] = [];
    const logger = memoryLogger();
    const t = transport(server, { password: 'wrong', onRetry: (e) => retries.push(e), logger, retry: { attempts: 5, baseDelayMs: 5 } });
    const err = await t.list('x', /.*/).catch((e) => e);
    expect(err).toBeInstanceOf(SftpAuthError);
    expect(err.message).toContain(`user "${server.username}"`);
    expect(err.message).toContain('not retried');
    expect(err.message).not.toContain('wrong');
    expect(retries).toEqual([]);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.authAttempts.some((a) => a.method === 'password' && !a.ok)).toBe(true);
    expect(logger.records.find((r) => r.obj.event === 'sftp-auth-failed')).toMatchObject({ level: 'error' });
    const otherKey = parseableKeyPair();
    const byKey = transport(server, { password: undefined, privateKey: otherKey.private });
    await expect(byKey.list('x', /.*/)).rejects.toBeInstanceOf(SftpAuthError);
  });

  it('reconnects lazily after the connection dropped', async () => {
    const logger = memoryLogger();
    const t = transport(server, { logger });
    await t.putAtomic('drop', 'a.csv', Buffer.from('a'));
    server.dropConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect((await t.read('drop', 'a.csv')).toString()).toBe('a');
    expect(server.stats.connections).toBe(2);
    expect(logger.records.some((r) => r.obj.event === 'sftp-reconnect' || r.obj.event === 'sftp-connection-lost')).toBe(true);
  });

  it('a Buffer upload that loses its connection midway is redone on a new connection', async () => {
    const t = transport(server);
    await t.ensureDir('mid');
    const data = randomBytes(48 * 32 * 1024);
    server.setWriteDelay(8);
    try {
      const put = t.putAtomic('mid', 'm.csv', data);
      await sleep(150);
      server.dropConnections();
      const r = await put;
      expect(r).toMatchObject({ status: 'written', sha256: sha256Hex(data) });
    } finally {
      server.setWriteDelay(0);
    }
    expect(sha256Hex(await t.read('mid', 'm.csv'))).toBe(sha256Hex(data));
    expect(server.stats.connections).toBe(2);
  });

  it('a stream upload that loses its connection fails and publishes nothing', async () => {
    const t = transport(server);
    await t.ensureDir('mid2');
    const data = randomBytes(48 * 32 * 1024);
    server.setWriteDelay(8);
    try {
      const put = t.putAtomic('mid2', 'm.csv', slowSource(data, 32 * 1024, 0));
      await sleep(150);
      server.dropConnections();
      await expect(put).rejects.toThrow();
    } finally {
      server.setWriteDelay(0);
    }
    expect(await t.exists('mid2', 'm.csv')).toBe(false);
    // the next run (same batch, same name) succeeds over the stale part
    expect((await t.putAtomic('mid2', 'm.csv', data)).status).toBe('written');
    expect(sha256Hex(await t.read('mid2', 'm.csv'))).toBe(sha256Hex(data));
  });

  it('close() ends the connection; later calls fail with TransportClosedError', async () => {
    const t = transport(server);
    await t.ensureDir('c');
    await t.close();
    await expect(t.list('c', /.*/)).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('createTransport builds an SFTP transport from config, reading privateKeyPath', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/oms-key-');
    try {
      await writeFile(`${dir}/id`, server.privateKey, { mode: 0o600 });
      const t = createTransport({ kind: 'sftp', host: '127.0.0.1', port: server.port, username: server.username, privateKeyPath: `${dir}/id`, hostKeySha256: server.hostKeySha256, root: '/data/ns' });
      open.push(t as SftpTransport);
      await t.putAtomic('customer/export', 'c.csv', Buffer.from('c'));
      expect((await t.read('customer/export', 'c.csv')).toString()).toBe('c');
      expect(server.diskPath('/data/ns/customer/export/c.csv')).toContain(server.rootDir);
      expect(fingerprintOfKey(Buffer.from('x'))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
