/**
 * The FileTransport contract, run against every transport (see transport-contract.test.ts).
 * Each test works in its own folder so the tests of one suite share one server and client.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteFileConflictError, RemoteFileNotFoundError, UnsafePathError, type FileTransport } from '../../src/sftp';
import { sha256Hex, streamToBuffer } from '../../src/sftp/transport';
import { slowSource, sleep, snapshot, type Harness } from './harness';

const HOSTILE = ['../../etc/x.csv', '../../../../../../etc/x.csv', 'a/b.csv', '..', '.', 'x.csv\u0000.txt', '/abs.csv', '..\\..\\win.csv', 'C:\\evil.csv', 'ok.csv\n.csv'];

export function transportContract(label: string, makeHarness: () => Promise<Harness>) {
  describe(`FileTransport contract: ${label}`, () => {
    let h: Harness;
    let t: FileTransport;
    let n = 0;
    const folder = () => `t${++n}/inbox`;
    const disk = (...p: string[]) => path.join(h.rootOnDisk, ...p);

    beforeAll(async () => {
      h = await makeHarness();
      t = h.transport;
    });
    afterAll(async () => {
      await h?.close();
    });

    async function seed(dir: string, name: string, content: string | Buffer, mtimeSec?: number) {
      await fsp.mkdir(disk(dir), { recursive: true });
      await fsp.writeFile(disk(dir, name), content);
      if (mtimeSec !== undefined) await fsp.utimes(disk(dir, name), mtimeSec, mtimeSec);
    }

    it('list: only regular files matching the anchored pattern, sorted by mtime then name', async () => {
      const dir = folder();
      await seed(dir, 'c.csv', 'c', 1_700_000_100);
      await seed(dir, 'a.csv', 'a', 1_700_000_100);
      await seed(dir, 'b.csv', 'bb', 1_700_000_000);
      await seed(dir, 'notes.txt', 'n', 1_700_000_000);
      await seed(dir, 'd.csv.part', 'partial', 1_700_000_000);
      await seed(dir, 'x.csvx', 'x', 1_700_000_000);
      await fsp.mkdir(disk(dir, 'sub.csv'));
      const entries = await t.list(dir, /.*\.csv/);
      expect(entries.map((e) => e.name)).toEqual(['b.csv', 'a.csv', 'c.csv']);
      // the pattern is anchored by the transport: /\.csv/ means "the whole name is .csv"
      expect(await t.list(dir, /\.csv/)).toEqual([]);
      expect((await t.list(dir, /[ab]\.csv/g)).map((e) => e.name)).toEqual(['b.csv', 'a.csv']);
      expect(entries[0]).toMatchObject({ name: 'b.csv', size: 2 });
      expect(entries[0].mtime.getTime()).toBe(1_700_000_000_000);
      expect((await t.list(dir, /[a-z]+\.csv/)).map((e) => e.name)).toEqual(['b.csv', 'a.csv', 'c.csv']);
      expect(await t.list(`${dir}/missing`, /.*/)).toEqual([]);
    });

    it('list: skips unsafe names a server might send', async () => {
      const dir = folder();
      await seed(dir, 'good.csv', 'g');
      h.injectNames(dir, HOSTILE);
      try {
        const names = (await t.list(dir, /.*\.csv.*/)).map((e) => e.name);
        expect(names).toEqual(['good.csv']);
        const all = (await t.list(dir, /.*/)).map((e) => e.name);
        expect(all).toEqual(['good.csv']);
      } finally {
        h.clearInjectedNames();
      }
      const warned = h.logs.filter((l) => l.obj.event === 'sftp-unsafe-name').map((l) => JSON.parse(String(l.obj.name)));
      expect(warned).toEqual(expect.arrayContaining(['../../etc/x.csv', 'a/b.csv', 'x.csv\u0000.txt', '/abs.csv']));
    });

    it('put/read round trip of a Buffer is byte-identical', async () => {
      const dir = folder();
      const data = Buffer.from('internalId,lineId\n1,2\n€,ü\n');
      const r = await t.putAtomic(dir, 'feed.csv', data);
      expect(r).toEqual({ status: 'written', sha256: sha256Hex(data), size: data.length });
      expect(await t.read(dir, 'feed.csv')).toEqual(data);
      expect(await t.sha256(dir, 'feed.csv')).toBe(sha256Hex(data));
      expect(await t.exists(dir, 'feed.csv')).toBe(true);
      expect(await t.exists(dir, 'feed.csv.part')).toBe(false);
      expect(await fsp.readFile(disk(dir, 'feed.csv'))).toEqual(data);
      const empty = await t.putAtomic(dir, 'empty.csv', Buffer.alloc(0));
      expect(empty.status).toBe('written');
      expect((await t.read(dir, 'empty.csv')).length).toBe(0);
    });

    it('put/read round trip of a multi-MB stream is byte-identical', async () => {
      const dir = folder();
      const data = randomBytes(5 * 1024 * 1024 + 123);
      const r = await t.putAtomic(dir, 'big.csv', slowSource(data, 64 * 1024, 0));
      expect(r).toMatchObject({ status: 'written', size: data.length, sha256: sha256Hex(data) });
      expect(sha256Hex(await streamToBuffer(await t.readStream(dir, 'big.csv')))).toBe(sha256Hex(data));
      expect(sha256Hex(await t.read(dir, 'big.csv'))).toBe(sha256Hex(data));
      expect(sha256Hex(await fsp.readFile(disk(dir, 'big.csv')))).toBe(sha256Hex(data));
    });

    it('atomic put: a poller during a slow upload only ever sees NAME.part or the complete NAME', async () => {
      const dir = folder();
      const data = randomBytes(24 * 32 * 1024);
      await t.ensureDir(dir);
      h.slowWrites(8);
      const seen = new Set<string>();
      let done = false;
      let completeReads = 0;
      const poller = (async () => {
        while (!done) {
          for (const e of await h.observer.list(dir, /.*/)) {
            seen.add(e.name);
            if (e.name === 'slow.csv') {
              expect(e.size).toBe(data.length);
              const got = await h.observer.read(dir, 'slow.csv').catch((err) => (err instanceof RemoteFileNotFoundError ? data : Promise.reject(err)));
              expect(sha256Hex(got)).toBe(sha256Hex(data));
              completeReads++;
            }
          }
          await sleep(2);
        }
      })();
      try {
        const r = await t.putAtomic(dir, 'slow.csv', slowSource(data, 32 * 1024, 8));
        expect(r.status).toBe('written');
      } finally {
        done = true;
        h.slowWrites(0);
        await poller;
      }
      expect([...seen].sort()).toEqual(['slow.csv.part', ...(completeReads ? ['slow.csv'] : [])].sort());
      expect(seen.has('slow.csv.part')).toBe(true);
      expect((await h.observer.list(dir, /.*/)).map((e) => e.name)).toEqual(['slow.csv']);
    });

    it('existing file: same hash → already-present, different → conflict and remote unchanged', async () => {
      const dir = folder();
      const v1 = Buffer.from('a,b\n1,2\n');
      await t.putAtomic(dir, 'batch.csv', v1);
      const again = await t.putAtomic(dir, 'batch.csv', v1);
      expect(again).toMatchObject({ status: 'already-present', sha256: sha256Hex(v1) });
      const streamed = await t.putAtomic(dir, 'batch.csv', slowSource(v1, 3, 0));
      expect(streamed.status).toBe('already-present');
      const v2 = Buffer.from('a,b\n1,3\n');
      const err = await t.putAtomic(dir, 'batch.csv', v2).catch((e) => e);
      expect(err).toBeInstanceOf(RemoteFileConflictError);
      expect(err).toMatchObject({ existingSha256: sha256Hex(v1), newSha256: sha256Hex(v2) });
      expect(await t.read(dir, 'batch.csv')).toEqual(v1);
      expect((await t.list(dir, /.*/)).map((e) => e.name)).toEqual(['batch.csv']);
    });

    it('a stale NAME.part from a crashed run is replaced, never published as is', async () => {
      const dir = folder();
      await seed(dir, 'r.csv.part', 'half-writ');
      const data = Buffer.from('whole file\n');
      expect((await t.putAtomic(dir, 'r.csv', data)).status).toBe('written');
      expect(await t.read(dir, 'r.csv')).toEqual(data);
      expect(await t.exists(dir, 'r.csv.part')).toBe(false);
    });

    it('move to archive/ and failed/ creates the folder and never overwrites', async () => {
      const dir = folder();
      await t.putAtomic(dir, 'one.csv', Buffer.from('1'));
      await t.putAtomic(dir, 'two.csv', Buffer.from('2'));
      expect(await t.move(dir, 'one.csv', `${dir}/archive`)).toEqual({ status: 'moved', name: 'one.csv' });
      expect(await t.move(dir, 'two.csv', `${dir}/failed`)).toEqual({ status: 'moved', name: 'two.csv' });
      expect(await t.list(dir, /.*/)).toEqual([]);
      expect((await t.read(`${dir}/archive`, 'one.csv')).toString()).toBe('1');
      expect((await t.read(`${dir}/failed`, 'two.csv')).toString()).toBe('2');
      // the same file arrives again: archived copy is identical → source just removed
      await t.putAtomic(dir, 'one.csv', Buffer.from('1'));
      expect(await t.move(dir, 'one.csv', `${dir}/archive`)).toEqual({ status: 'already-present', name: 'one.csv' });
      // same name, other content: kept under a new name, the archived one untouched
      await t.putAtomic(dir, 'one.csv', Buffer.from('1b'));
      const r = await t.move(dir, 'one.csv', `${dir}/archive`);
      expect(r.status).toBe('moved');
      expect(r.name).toMatch(/^one\.moved-\d{8}T\d{6}Z-[0-9a-f]{6}\.csv$/);
      expect((await t.read(`${dir}/archive`, 'one.csv')).toString()).toBe('1');
      expect((await t.read(`${dir}/archive`, r.name)).toString()).toBe('1b');
      expect(await t.list(dir, /.*/)).toEqual([]);
      await expect(t.move(dir, 'gone.csv', `${dir}/archive`)).rejects.toBeInstanceOf(RemoteFileNotFoundError);
    });

    it('traversal: hostile names are skipped by a reader and nothing is written outside the root', async () => {
      const dir = folder();
      await fsp.mkdir(path.join(h.jailOnDisk, 'etc'), { recursive: true });
      await fsp.writeFile(path.join(h.jailOnDisk, 'etc', 'x.csv'), 'outside');
      await seed(dir, 'good.csv', 'g');
      await seed(`${dir}/a`, 'b.csv', 'nested');
      const outsideBefore = await snapshot(h.jailOnDisk, h.rootOnDisk);
      h.injectNames(dir, HOSTILE);
      const taken: string[] = [];
      try {
        for (const f of await t.list(dir, /.*\.csv.*/)) {
          await t.read(dir, f.name);
          await t.move(dir, f.name, `${dir}/archive`);
          taken.push(f.name);
        }
      } finally {
        h.clearInjectedNames();
      }
      expect(taken).toEqual(['good.csv']);
      expect(await snapshot(h.jailOnDisk, h.rootOnDisk)).toEqual(outsideBefore);
      expect(await fsp.readFile(disk(dir, 'a', 'b.csv'), 'utf8')).toBe('nested');
      for (const bad of HOSTILE) {
        await expect(t.read(dir, bad)).rejects.toBeInstanceOf(UnsafePathError);
        await expect(t.putAtomic(dir, bad, Buffer.from('x'))).rejects.toBeInstanceOf(UnsafePathError);
        await expect(t.move(dir, bad, `${dir}/archive`)).rejects.toBeInstanceOf(UnsafePathError);
        await expect(t.exists(dir, bad)).rejects.toBeInstanceOf(UnsafePathError);
      }
      await expect(t.putAtomic('../../etc', 'y.csv', Buffer.from('x'))).rejects.toBeInstanceOf(UnsafePathError);
      await expect(t.putAtomic('/etc', 'y.csv', Buffer.from('x'))).rejects.toBeInstanceOf(UnsafePathError);
      await expect(t.list('..', /.*/)).rejects.toBeInstanceOf(UnsafePathError);
      await expect(t.ensureDir(`${dir}/../../../..`)).rejects.toBeInstanceOf(UnsafePathError);
      await t.putAtomic(dir, 'h.csv', Buffer.from('h'));
      await expect(t.move(dir, 'h.csv', '../archive')).rejects.toBeInstanceOf(UnsafePathError);
      expect(await snapshot(h.jailOnDisk, h.rootOnDisk)).toEqual(outsideBefore);
    });

    it('read of a missing file or a directory is RemoteFileNotFoundError; ensureDir is idempotent', async () => {
      const dir = folder();
      await t.ensureDir(`${dir}/deep/er`);
      await t.ensureDir(`${dir}/deep/er`);
      expect((await fsp.stat(disk(dir, 'deep', 'er'))).isDirectory()).toBe(true);
      await expect(t.read(dir, 'nope.csv')).rejects.toBeInstanceOf(RemoteFileNotFoundError);
      await expect(t.read(dir, 'deep')).rejects.toBeInstanceOf(RemoteFileNotFoundError);
      expect(await t.exists(dir, 'deep')).toBe(false);
      expect(await t.exists(`${dir}/missing`, 'x.csv')).toBe(false);
    });
  });
}
