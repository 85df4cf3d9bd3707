/**
 * The in-process test server itself, driven with plain ssh2-sftp-client / ssh2 calls: every
 * request handler works, the jail holds, and the test hooks do what they say.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server';

const quiet = { error: () => {}, end: () => {}, close: () => {} };
const p = <T = void>(fn: (cb: (err?: Error | null, v?: T) => void) => void) =>
  new Promise<T>((res, rej) => fn((e, v) => (e ? rej(e) : res(v as T))));

describe('in-process SFTP test server', () => {
  let server: SftpTestServer;
  let client: SftpClient;
  let sftp: SFTPWrapper;

  beforeAll(async () => {
    server = await startSftpServer({ username: 'tester' });
    client = new SftpClient('server-test', quiet);
    sftp = await client.connect({ host: server.host, port: server.port, username: server.username, password: server.password, hostVerifier: () => true });
  });
  afterAll(async () => {
    await client?.end();
    await server?.close();
  });

  it('serves the request types and maps the virtual tree onto the jail', async () => {
    expect(await client.realPath('.')).toBe('/home/tester');
    await client.mkdir('/home/tester/d/e', true);
    await client.put(Buffer.from('hello'), '/home/tester/d/e/f.txt');
    expect(await fsp.readFile(path.join(server.rootDir, 'home/tester/d/e/f.txt'), 'utf8')).toBe('hello');
    await client.append(Buffer.from(' world'), 'd/e/f.txt');
    expect(((await client.get('d/e/f.txt')) as Buffer).toString()).toBe('hello world');
    await client.chmod('d/e/f.txt', 0o600); // SETSTAT
    expect((await client.stat('d/e/f.txt')).mode & 0o777).toBe(0o600);
    const h = await p<Buffer>((cb) => sftp.open('d/e/f.txt', 'r+', cb));
    await p((cb) => sftp.fchmod(h, 0o640, cb)); // FSETSTAT
    expect(((await p<{ mode: number; size: number }>((cb) => sftp.fstat(h, cb))).mode & 0o777)).toBe(0o640);
    await p((cb) => sftp.close(h, cb));
    expect((await client.list('d/e')).map((e) => e.name)).toEqual(['f.txt']);
    await expect(client.rename('d/e/f.txt', 'd/e')).rejects.toThrow(); // plain rename never replaces
    await client.put(Buffer.from('other'), 'd/e/g.txt');
    await expect(client.rename('d/e/g.txt', 'd/e/f.txt')).rejects.toThrow();
    await client.posixRename('d/e/g.txt', 'd/e/f.txt'); // posix-rename does
    expect(((await client.get('d/e/f.txt')) as Buffer).toString()).toBe('other');
    expect(server.stats.renames.posix).toBe(1);
    await client.delete('d/e/f.txt');
    await client.rmdir('d/e');
    expect(await client.exists('d/e')).toBe(false);
    await expect(p((cb) => sftp.symlink('/etc/passwd', 'd/link', cb))).rejects.toThrow();
  });

  it('never leaves the jail', async () => {
    const marker = `outside-${path.basename(server.rootDir)}.txt`; // next to the jail, unique to this run
    await fsp.writeFile(path.join(path.dirname(server.rootDir), marker), 'x');
    try {
      expect(await client.realPath('../../../..')).toBe('/');
      expect((await client.list('/../../..')).map((e) => e.name).sort()).toEqual(['home']);
      await expect(client.get(`/../${marker}`)).rejects.toThrow();
      await client.put(Buffer.from('x'), '/../../escape.txt');
      expect(await fsp.readFile(path.join(server.rootDir, 'escape.txt'), 'utf8')).toBe('x');
      await fsp.symlink('/etc', path.join(server.rootDir, 'home/tester/etc-link'));
      await expect(client.list('etc-link')).rejects.toThrow();
      await expect(client.get('etc-link/hostname')).rejects.toThrow();
    } finally {
      await fsp.rm(path.join(path.dirname(server.rootDir), marker), { force: true });
    }
  });

  it('injects crafted READDIR names verbatim', async () => {
    await client.mkdir('inj', true);
    server.injectReaddirNames([{ name: '../../etc/x.csv', dir: 'inj' }, { name: 'x.csv\u0000.txt', dir: '/home/tester/inj' }]);
    try {
      const names = (await p<Array<{ filename: string }>>((cb) => sftp.readdir('inj', cb))).map((e) => e.filename);
      expect(names.sort()).toEqual(['../../etc/x.csv', 'x.csv\u0000.txt']);
      expect((await p<Array<{ filename: string }>>((cb) => sftp.readdir('.', cb))).map((e) => e.filename)).not.toContain('../../etc/x.csv');
    } finally {
      server.clearInjectedNames();
    }
  });

  it('fails the next N connections before the SSH handshake', async () => {
    server.failNextConnections(1);
    const c = new SftpClient('fail', quiet);
    await expect(c.connect({ host: server.host, port: server.port, username: server.username, password: server.password, hostVerifier: () => true, readyTimeout: 3000 })).rejects.toThrow();
    expect(server.stats.failedConnections).toBe(1);
    const c2 = new SftpClient('ok', quiet);
    await c2.connect({ host: server.host, port: server.port, username: server.username, password: server.password, hostVerifier: () => true });
    await c2.end();
  });
});
