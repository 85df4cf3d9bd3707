/** The owner lock of an embedded data folder (src/db/owner.ts), in one process: no PGlite, only the file. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderOwnedError, LOCK_FILE, liveOwner, takeOwnership } from '../../src/db/owner';

const dirs: string[] = [];
const fresh = () => { const d = mkdtempSync(join(tmpdir(), 'oms-lock-')); dirs.push(d); return join(d, 'pglite'); };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const noWarning = (m: string) => { throw new Error(`unexpected warning: ${m}`); };

describe('embedded folder ownership', () => {
  it('one holder at a time, also within one process; the URL is announced; release frees it', () => {
    const folder = fresh();
    const a = takeOwnership(folder, noWarning);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => takeOwnership(folder, noWarning)).toThrow(FolderOwnedError);
    a.announce('http://127.0.0.1:1234');
    expect(liveOwner(folder)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:1234' });
    expect(() => takeOwnership(folder, noWarning)).toThrow(`in use by pid ${process.pid} on ${hostname()}`);
    expect(() => takeOwnership(folder, noWarning)).toThrow('it serves the HTTP API at http://127.0.0.1:1234: use that, or stop it first');
    a.release();
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    takeOwnership(folder, noWarning).release();
  });

  it('a lock of a dead pid, or of our own pid from an earlier process, is taken over with a warning', () => {
    const folder = fresh();
    takeOwnership(folder, noWarning).release();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const pid of [dead, process.pid]) {
      writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
      expect(liveOwner(folder)).toBeUndefined();
      const warnings: string[] = [];
      const b = takeOwnership(folder, (m) => warnings.push(m));
      expect(warnings).toEqual([expect.stringContaining(`its lock names pid ${pid}`)]);
      expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8')).startedAt).toBe(b.record.startedAt);
      b.release();
    }
  });

  it('a live process of another host, or a lock still being written, is not taken over', () => {
    const folder = fresh();
    takeOwnership(folder, noWarning).release();
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: 1, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00.000Z' }));
    expect(() => takeOwnership(folder, noWarning)).toThrow(/in use by pid 1 on not-/);
    writeFileSync(join(folder, LOCK_FILE), '');
    expect(() => takeOwnership(folder, noWarning)).toThrow(/is being taken by another process/);
  });
});
