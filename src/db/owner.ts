/**
 * One owner per embedded data folder. PGlite is a single-process database: two processes opening
 * one folder each keep their own copy in memory and write over each other's files. So a process
 * that opens a PGlite folder first takes it: it creates `oms-owner.lock` in the folder with
 * `open(…, 'wx')` (which fails when the file exists), holding its pid, host, start time and, for
 * the server, its HTTP URL and the local credential of the CLI (the file is the owner's only, mode
 * 0600). Another process reads that file and either talks to the owner over
 * HTTP or refuses with `FolderOwnedError`. A lock left by a dead process on this host is taken
 * over with a warning; the owner removes its lock on close and on exit.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'oms-owner.lock';

/** What the lock file says about its owner. */
export interface OwnerRecord {
  pid: number;
  host: string;
  /** ISO time the owner took the folder. */
  startedAt: string;
  /** The owner's command line (`oms serve`, `oms jobs run X`, …), without its environment. */
  command?: string;
  /** The HTTP API of the owner, when it is a server that listens. */
  url?: string;
  /**
   * A random credential of that server's lifetime: the CLI on this host sends it as `Authorization:
   * Bearer` and acts as the local admin. The lock is readable by its owner only (mode 0600).
   */
  credential?: string;
}

/** The folder is held by another live process. */
export class FolderOwnedError extends Error {
  constructor(readonly folder: string, readonly owner: OwnerRecord | undefined) {
    super(ownedFolderMessage(folder, owner));
    this.name = 'FolderOwnedError';
  }
}

export function ownedFolderMessage(folder: string, owner: OwnerRecord | undefined): string {
  if (!owner) return `the embedded database ${folder} is being taken by another process (its lock file ${LOCK_FILE} is still being written); retry`;
  const who = `pid ${owner.pid} on ${owner.host}${owner.command ? ` (${owner.command})` : ''}, started at ${owner.startedAt}`;
  const reach = owner.url
    ? `it serves the HTTP API at ${owner.url}: use that, or stop it first`
    : 'stop it (or wait for it to finish) first';
  return `the embedded database ${folder} is in use by ${who}; only one process may open it: ${reach}`;
}

/** The folder's ownership, held by this process until `release()`. */
export interface FolderOwnership {
  readonly folder: string;
  readonly record: OwnerRecord;
  /** Records the owner's HTTP URL (and the local credential of the server) in the lock, so other processes can reach it. */
  announce(url: string, credential?: string): void;
  release(): void;
}

const lockPath = (folder: string) => join(folder, LOCK_FILE);
/** Folders this process holds: a lock with our own pid that is not in here is a previous process's (pid reuse, a container restart). */
const heldHere = new Set<string>();

export function readOwner(folder: string): OwnerRecord | undefined {
  let text: string;
  try { text = readFileSync(lockPath(folder), 'utf8'); } catch { return undefined; }
  try {
    const r = JSON.parse(text) as OwnerRecord;
    return Number.isInteger(r.pid) && typeof r.host === 'string' && typeof r.startedAt === 'string' ? r : undefined;
  } catch { return undefined; }
}

/** Start time of a live process on this host (Linux /proc), to tell a reused pid from the owner. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootLine = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return bootLine && Number.isFinite(ticks) ? Number(bootLine[1]) * 1000 + (ticks / 100) * 1000 : undefined;
  } catch { return undefined; }
}

/** True when the record's owner is certainly gone: a pid of this host that is dead, reused, or our own from an earlier process. */
export function isStale(folder: string, r: OwnerRecord): boolean {
  if (r.host !== hostname()) return false;
  if (r.pid === process.pid) return !heldHere.has(folder);
  try { process.kill(r.pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ESRCH'; }
  const started = processStartMs(r.pid);
  // A process that started well after the lock was written is not the one that wrote it.
  return started !== undefined && started > Date.parse(r.startedAt) + 5_000;
}

/** The live owner of a folder, if another process holds it. */
export function liveOwner(folder: string): OwnerRecord | undefined {
  const r = readOwner(folder);
  return r && !isStale(folder, r) ? r : undefined;
}

function createLock(path: string, r: OwnerRecord): boolean {
  let fd: number;
  try { fd = openSync(path, 'wx', 0o600); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try { writeSync(fd, `${JSON.stringify(r)}\n`); } finally { closeSync(fd); }
  return true;
}

/** Moves a stale lock aside, unless someone replaced it meanwhile (then it is put back). */
function removeStale(path: string, seen: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try { renameSync(path, aside); } catch { return; }
  if (readFileSync(aside, 'utf8') !== seen) {
    try { linkSync(aside, path); } catch { /* a newer lock exists: it wins */ }
  }
  unlinkSync(aside);
}

/** A lock file whose content cannot be read yet: its writer may be between open and write. */
function unreadableAgeMs(path: string): number {
  try { return Date.now() - statSync(path).mtimeMs; } catch { return 0; }
}

/** Takes the folder for this process, or throws `FolderOwnedError`. `warn` hears of a stale lock taken over. */
export function takeOwnership(folder: string, warn: (message: string) => void): FolderOwnership {
  mkdirSync(folder, { recursive: true });
  const path = lockPath(folder);
  const record: OwnerRecord = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: commandLine() };
  for (let attempt = 0; ; attempt++) {
    if (createLock(path, record)) break;
    let seen = '';
    try { seen = readFileSync(path, 'utf8'); } catch { continue; }
    const owner = readOwner(folder);
    const stale = owner ? isStale(folder, owner) : unreadableAgeMs(path) > 10_000;
    if (!stale || attempt >= 3) throw new FolderOwnedError(folder, owner);
    warn(owner
      ? `taking over the embedded database ${folder}: its lock names pid ${owner.pid} (started at ${owner.startedAt}), which is no longer running`
      : `taking over the embedded database ${folder}: its lock file is unreadable and old`);
    removeStale(path, seen);
  }
  heldHere.add(folder);
  const onExit = () => release();
  process.on('exit', onExit);
  let current = record;
  const stillOurs = () => { const r = readOwner(folder); return r?.pid === record.pid && r.startedAt === record.startedAt; };
  function release() {
    if (!heldHere.has(folder)) return;
    heldHere.delete(folder);
    process.off('exit', onExit);
    try { if (stillOurs()) unlinkSync(path); } catch { /* already gone */ }
  }
  return {
    folder,
    get record() { return current; },
    announce(url: string, credential?: string) {
      if (!heldHere.has(folder)) return;
      current = { ...record, url, ...(credential ? { credential } : {}) };
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(current)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
    release,
  };
}

/** `oms serve`, `oms jobs run X`: the leading words of the `oms` command, never its options or the environment. */
function commandLine(): string | undefined {
  if (!/(oms(\.js)?|cli[/\\]main\.ts)$/.test(process.argv[1] ?? '')) return undefined;
  const words: string[] = [];
  for (const a of process.argv.slice(2)) {
    if (a.startsWith('-') || words.length === 3) break;
    words.push(a);
  }
  return ['oms', ...words].join(' ');
}
