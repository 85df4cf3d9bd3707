/** Pure parts of src/sftp: name and path safety, URLs, config, fingerprints, backoff. */
import { describe, expect, it } from 'vitest';
import {
  anchored,
  createTransport,
  isSafeName,
  joinInside,
  LocalDirTransport,
  parseFingerprint,
  parseTransportUrl,
  safeName,
  TransportConfigError,
  UnsafePathError,
} from '../../src/sftp';
import { backoffDelay, resolveRetry } from '../../src/sftp/retry';

describe('safeName', () => {
  const feed = /.*-RejectedSalesOrderItemExport\.csv/;
  it('accepts plain names matching the anchored pattern', () => {
    expect(safeName('2024-05-01-RejectedSalesOrderItemExport.csv', feed)).toBe('2024-05-01-RejectedSalesOrderItemExport.csv');
    expect(isSafeName('brokeredOrderItemsFeed_2024-05-01-10-00-00_ab12.csv')).toBe(true);
  });
  it.each([
    ['../../etc/x.csv'],
    ['a/b.csv'],
    ['..'],
    ['.'],
    [''],
    ['x.csv\u0000.txt'],
    ['/abs.csv'],
    ['..\\x.csv'],
    ['C:\\x.csv'],
    ['C:x.csv'],
    ['x..csv'],
    ['line\nbreak.csv'],
    ['tab\t.csv'],
    ['a'.repeat(256)],
  ])('rejects %j', (name) => {
    expect(isSafeName(name)).toBe(false);
    expect(() => safeName(name)).toThrow(UnsafePathError);
  });
  it('anchors the pattern (an unanchored regex cannot match part of a hostile name)', () => {
    expect(isSafeName('evil.csv.sh', /\.csv/)).toBe(false);
    expect(isSafeName('x-RejectedSalesOrderItemExport.csv.part', feed)).toBe(false);
    expect(anchored(/a|b/g).source).toBe('^(?:a|b)$');
    expect(anchored(/a|b/g).flags).toBe('');
    expect(anchored(/x/i).test('X')).toBe(true);
  });
});

describe('joinInside', () => {
  it('joins and normalises inside the root', () => {
    expect(joinInside('/home/u/netsuite', 'salesorder/update', 'a.csv')).toBe('/home/u/netsuite/salesorder/update/a.csv');
    expect(joinInside('/home/u/netsuite', 'a/../b')).toBe('/home/u/netsuite/b');
    expect(joinInside('/home/u/netsuite', '')).toBe('/home/u/netsuite');
    expect(joinInside('/home/u/netsuite/', '.')).toBe('/home/u/netsuite');
  });
  it.each([['..'], ['../netsuite2'], ['a/../../x'], ['/etc'], ['x\u0000y']])('throws when %j leaves the root', (part) => {
    expect(() => joinInside('/home/u/netsuite', part)).toThrow(UnsafePathError);
  });
  it('requires an absolute root', () => {
    expect(() => joinInside('relative', 'a')).toThrow(UnsafePathError);
  });
});

describe('parseTransportUrl', () => {
  it('parses file URLs', () => {
    expect(parseTransportUrl('file:///var/lib/oms/netsuite')).toEqual({ kind: 'file', dir: '/var/lib/oms/netsuite' });
    expect(parseTransportUrl('file:///tmp/a%20b/')).toEqual({ kind: 'file', dir: '/tmp/a b' });
  });
  it('parses sftp URLs', () => {
    expect(parseTransportUrl('sftp://nsftp@sftp.example.com:2222/home/nsftp/netsuite')).toEqual({
      kind: 'sftp',
      host: 'sftp.example.com',
      port: 2222,
      username: 'nsftp',
      root: '/home/nsftp/netsuite',
    });
    expect(parseTransportUrl('sftp://u@[::1]')).toEqual({ kind: 'sftp', host: '::1', port: 22, username: 'u' });
    expect(parseTransportUrl('sftp://host.example/')).toEqual({ kind: 'sftp', host: 'host.example', port: 22 });
  });
  it.each([['sftp://u:secret@host/x'], ['ftp://host/x'], ['not a url'], ['file://remote/x'], ['sftp://u@host/x?y=1']])('rejects %j', (url) => {
    expect(() => parseTransportUrl(url)).toThrow(TransportConfigError);
  });
  it('never echoes a password from the URL', () => {
    expect(() => parseTransportUrl('sftp://u:hunter2@host/x')).toThrow(/^(?!.*hunter2)/);
  });
});

describe('createTransport', () => {
  it('builds a local transport', () => {
    const t = createTransport({ kind: 'file', dir: '/tmp/oms-netsuite' });
    expect(t).toBeInstanceOf(LocalDirTransport);
    expect(t.description).toBe('file:///tmp/oms-netsuite');
  });
  it('fails fast on incomplete config', () => {
    expect(() => createTransport({ kind: 'file', dir: 'relative' })).toThrow(TransportConfigError);
    expect(() => createTransport({ kind: 'sftp', host: 'h', username: 'u', hostKeySha256: 'SHA256:' + 'A'.repeat(43) })).toThrow(/privateKey or password/);
    expect(() => createTransport({ kind: 'sftp', host: 'h', username: 'u', password: 'p' })).toThrow(/hostKeySha256 is required/);
    expect(() => createTransport({ kind: 'sftp', host: 'h', username: 'u', privateKey: 'garbage', hostKeySha256: 'SHA256:' + 'A'.repeat(43) })).toThrow(/cannot parse privateKey/);
    expect(() => createTransport({ kind: 'sftp', host: 'h', username: 'u', privateKeyPath: '/nonexistent/key', hostKeySha256: 'SHA256:' + 'A'.repeat(43) })).toThrow(/privateKeyPath/);
    expect(() => createTransport({ kind: 'ftp' } as never)).toThrow(TransportConfigError);
  });
});

describe('parseFingerprint', () => {
  const raw = Buffer.alloc(32, 7);
  it.each([
    [`SHA256:${raw.toString('base64').replace(/=+$/, '')}`],
    [raw.toString('base64')],
    [raw.toString('hex')],
    [raw.toString('hex').replace(/(..)(?!$)/g, '$1:')],
    [`sha256:${raw.toString('base64url')}`],
  ])('accepts %s', (s) => {
    expect(parseFingerprint(s)).toEqual(raw);
  });
  it.each([[''], ['SHA256:abc'], ['MD5:' + 'a'.repeat(32)], ['zz'.repeat(32)]])('rejects %j', (s) => {
    expect(() => parseFingerprint(s)).toThrow(TransportConfigError);
  });
});

describe('backoff', () => {
  it('doubles from the base delay up to the cap, with optional jitter', () => {
    const p = resolveRetry({ attempts: 6, baseDelayMs: 100, maxDelayMs: 500, jitter: 0 });
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(p, a))).toEqual([100, 200, 400, 500, 500]);
    const j = resolveRetry({ baseDelayMs: 1000, jitter: 0.2 });
    expect(backoffDelay(j, 1, () => 0)).toBe(800);
    expect(backoffDelay(j, 1, () => 1)).toBe(1200);
    expect(resolveRetry(undefined)).toEqual({ attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 });
  });
});
