/**
 * HC_SC_CreateSFTPDirectory: creates the contract's folder tree (feeds.md v2, "Folder layout")
 * under the SFTP default directory, idempotently, through N/sftp.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv, type NsEnv, runScheduled, SFTP_ROOT } from './support/env';
import { nsError } from './support/fakes/misc';

const SCRIPT = 'HC_SC_CreateSFTPDirectory';
const HOME = SFTP_ROOT.slice(0, SFTP_ROOT.lastIndexOf('/'));

/** feeds.md v2, "Folder layout": the feed folders; each reader uses archive/, failed/ and error/ beneath. */
const CONTRACT_FOLDERS = [
  'salesorder/export',
  'customer/export',
  'salesorder/import/orderidentification',
  'salesorder/import/orderitemattribute',
  'customer/import',
  'salesorder/customerdeposit',
  'salesorder/update',
  'salesorder/rejectedorderitem',
  'salesorder/import/fulfillment',
  'inventoryadjustment/csv',
  // "Customer deposits": the deposit ids come back through this folder.
  'salesorder/import/orderpayment',
];
const EXPECTED = CONTRACT_FOLDERS.flatMap((f) => [f, `${f}/archive`, `${f}/failed`, `${f}/error`]);

let env: NsEnv;
const dirsUnder = (abs: string) => [...env.sftp.dirs].filter((d) => d === abs || d.startsWith(`${abs}/`)).sort();
const made = () => env.sftp.calls.filter((c) => c.op === 'makeDirectory').map((c) => c.path);
const audits = () => env.logs.filter((l) => l.level === 'audit');

beforeAll(() => {
  buildNetsuite();
});

beforeEach(() => {
  env = createEnv();
});

describe('HC_SC_CreateSFTPDirectory', () => {
  it('creates the whole tree, root included, when the account has only its home folder', () => {
    env.sftp.removeTree(SFTP_ROOT);
    expect(env.sftp.dirs.has(HOME)).toBe(true);
    runScheduled(env, SCRIPT);

    for (const rel of EXPECTED) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
    // The root was missing: the script connected to its nearest existing ancestor.
    expect(env.sftp.connections.at(-1)).toMatchObject({ directory: HOME, url: 'sftp.example.test', username: 'oms', secret: 'custsecret_oms_sftp' });
    // Parents before children, each folder once, nothing outside the root.
    const created = made();
    expect(new Set(created).size).toBe(created.length);
    for (const p of created) expect(p === SFTP_ROOT || p.startsWith(`${SFTP_ROOT}/`), p).toBe(true);
    for (let i = 0; i < created.length; i++) {
      const parent = created[i].slice(0, created[i].lastIndexOf('/'));
      if (parent !== HOME) expect(created.slice(0, i), `${created[i]} after its parent`).toContain(parent);
    }
    expect(dirsUnder(SFTP_ROOT)).toEqual(created.slice().sort());
    expect(audits().map((l) => l.title)).toEqual(['SFTP folders']);
    expect(audits()[0].details).toContain(`${created.length} created, 0 existing`);
  });

  it('creates every folder that a feed definition in lib/fields.ts names, with archive/, failed/ and error/', () => {
    runScheduled(env, SCRIPT);
    const ids = env.ids as unknown as Record<string, Record<string, unknown>>;
    const named: string[] = [];
    for (const def of Object.values(ids)) {
      if (!def || typeof def !== 'object' || typeof def.feedDir !== 'string') continue;
      for (const k of ['dir', 'inboxDir', 'archiveDir', 'failedDir', 'errorDir']) if (typeof def[k] === 'string') named.push(`${def.feedDir}/${def[k]}`);
      if (typeof def.dir === 'string') for (const o of ['archive', 'failed', 'error']) named.push(`${def.feedDir}/${def.dir}/${o}`);
    }
    expect(named).toEqual(expect.arrayContaining(['customer/import', 'salesorder/import/orderpayment/failed', 'salesorder/customerdeposit/error']));
    for (const rel of named) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
  });

  it('is idempotent: a second run creates nothing and leaves files in place', () => {
    runScheduled(env, SCRIPT);
    const tree = dirsUnder(SFTP_ROOT);
    env.sftp.put(env.path('salesorder/update/brokeredOrderItemsFeed_2026-01-05-10-00-00_r1.csv'), 'internalId,lineId\n1,1\n');
    env.sftp.put(env.path('salesorder/update/archive/old.csv'), 'x\n');
    const callsBefore = env.sftp.calls.length;

    runScheduled(env, SCRIPT);
    const second = env.sftp.calls.slice(callsBefore);
    expect(second.filter((c) => c.op !== 'list')).toEqual([]);
    expect(dirsUnder(SFTP_ROOT)).toEqual(tree);
    expect(env.sftp.ls(env.path('salesorder/update'))).toEqual(['brokeredOrderItemsFeed_2026-01-05-10-00-00_r1.csv']);
    expect(env.sftp.read(env.path('salesorder/update/archive/old.csv'))).toBe('x\n');
    // The root existed this time: connected there directly.
    expect(env.sftp.connections.at(-1)).toMatchObject({ directory: SFTP_ROOT });
    expect(audits().at(-1)!.details).toContain(`0 created, ${tree.length - 1} existing`);
  });

  it('creates only what is missing from a partly built tree and lists each folder at most once', () => {
    const before = new Set(env.sftp.dirs);
    runScheduled(env, SCRIPT);
    const created = made();
    for (const p of created) expect(before.has(p), `${p} existed`).toBe(false);
    for (const rel of EXPECTED) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
    const listed = env.sftp.calls.filter((c) => c.op === 'list').map((c) => c.path);
    expect(new Set(listed).size).toBe(listed.length);
    // A folder created in this run is known to be empty: never listed.
    for (const p of created) expect(listed).not.toContain(p);
  });

  it('takes a folder that another process created meanwhile as existing', () => {
    const racy = env.path('customer/import');
    env.sftp.removeTree(env.path('customer'));
    env.sftp.failWhen((call) => {
      if (call.op !== 'makeDirectory' || call.path !== racy) return undefined;
      env.sftp.mkdirp(racy); // the other process wins
      return nsError('FTP_INVALID_DIRECTORY', `cannot create ${racy}`);
    });
    runScheduled(env, SCRIPT);
    for (const rel of EXPECTED) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
    const done = audits().at(-1)!;
    expect(done.title).toBe('SFTP folders');
    const createdList = done.details.split(' — ')[1].split(', ');
    expect(createdList).toContain('customer/import/archive');
    expect(createdList).not.toContain('customer/import');
  });

  it('stops on a file that sits where a folder belongs, naming it', () => {
    env.sftp.removeTree(env.path('customer'));
    env.sftp.put(env.path('customer'), 'not a folder');
    expect(() => runScheduled(env, SCRIPT)).toThrow(/customer is a file, not a folder/);
    expect(env.sftp.read(env.path('customer'))).toBe('not a folder');
  });

  it('stops cleanly when governance runs low and finishes on the next run', () => {
    env.sftp.removeTree(SFTP_ROOT);
    runScheduled(env, SCRIPT, 300);
    const first = made();
    expect(first.length).toBeGreaterThan(0);
    expect(audits().at(-1)!.title).toBe('SFTP folders: usage low, run again');
    expect(EXPECTED.some((rel) => !env.sftp.dirs.has(env.path(rel)))).toBe(true);

    runScheduled(env, SCRIPT);
    for (const rel of EXPECTED) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
    expect(made().slice(first.length).filter((p) => first.includes(p))).toEqual([]);
    expect(audits().at(-1)!.title).toBe('SFTP folders');
  });

  it('rethrows a connection error other than a missing directory (no walking up on bad credentials)', () => {
    // Local shim over the fake N/sftp: the server refuses the login.
    const real = env.modules['N/sftp'] as { createConnection: (o: Record<string, unknown>) => unknown; Sort: unknown };
    const attempts: unknown[] = [];
    env.modules['N/sftp'] = {
      Sort: real.Sort,
      createConnection: (o: Record<string, unknown>) => {
        attempts.push(o.directory);
        throw nsError('FTP_CANNOT_ESTABLISH_CONNECTION', 'authentication failed');
      },
    };
    expect(() => runScheduled(env, SCRIPT)).toThrow(/authentication failed/);
    expect(attempts).toEqual([SFTP_ROOT]);
  });

  it('uses a legacy 32-hex password GUID as passwordGuid and honours a root without trailing slash', () => {
    env = createEnv({ credential: '0123456789abcdef0123456789ABCDEF', defaultDir: SFTP_ROOT });
    runScheduled(env, SCRIPT);
    expect(env.sftp.connections.at(-1)).toMatchObject({ passwordGuid: '0123456789abcdef0123456789ABCDEF', directory: SFTP_ROOT });
    expect(env.sftp.connections.at(-1)).not.toHaveProperty('secret');
    for (const rel of EXPECTED) expect(env.sftp.dirs.has(env.path(rel)), rel).toBe(true);
  });
});
