/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Creates the contract's folder tree (feeds.md v2, "Folder layout") on the SFTP server, under the
 * default directory of the SFTP configuration record: every feed folder with its `archive/`,
 * `failed/` and `error/`, plus any folder the scripts' feed definitions name (lib/fields.ts).
 * Run it once after deploying (deployment NOTSCHEDULED: "Save and Execute"), and again whenever a
 * feed folder is added; it is idempotent — folders that exist are left as they are, nothing is
 * ever removed or renamed.
 *
 * The default directory itself may be missing (a new SFTP account has only its home): the script
 * then connects to its nearest existing ancestor and creates the rest. N/sftp's
 * `createConnection` fails with FTP_INVALID_DIRECTORY when `directory` does not exist (N/sftp
 * module, "SFTP Error Codes"), which is what tells an existing ancestor from a missing one; any
 * other error (authentication, host key) is thrown at once.
 *
 * Each existing folder is listed once to learn its children; a folder created in this run is known
 * to be empty. `Connection.makeDirectory` creates a single level and fails when the folder exists
 * (N/sftp `Connection.makeDirectory(options)`): when that happens because another process created
 * it meanwhile, the parent is listed again and the folder counts as existing.
 *
 * Parameters (`custscript_oms_mkdir_…`): `sftp_config` (configuration record id; empty = the first
 * active one), `min_usage` (governance units kept in reserve, default 100: below it the run stops
 * and logs what is left; the next run carries on).
 */
import * as error from 'N/error';
import * as log from 'N/log';
import * as sftp from 'N/sftp';
import type { EntryPoints } from 'N/types';
import {
  CREATE_SFTP_DIRECTORY,
  type CsvImportFeed,
  CUSTOMER_DEPOSIT_EXPORT,
  CUSTOMER_DEPOSIT_IMPORT,
  CUSTOMER_ID_EXPORT,
  FULFILLMENT_EXPORT,
  IMPORT_CUSTOMERS,
  IMPORT_SALES_ORDERS,
  INVENTORY_ADJUSTMENTS,
  LINE_ID_EXPORT,
  ORDER_ID_EXPORT,
  OUTCOME_FOLDERS,
  REJECTED_ITEMS_EXPORT,
  SFTP_FEED_FOLDERS,
  UPDATE_SALES_ORDERS,
} from './lib/fields';
import { joinPath } from './lib/names';
import { intParam, param, remainingUsage } from './lib/params';
import { loadSftpSettings, type SftpSettings } from './lib/sftpClient';

const P = CREATE_SFTP_DIRECTORY.paramPrefix;

/** N/sftp governance: Connection.list and Connection.makeDirectory cost 10 units each. */
const COST = { list: 10, makeDirectory: 10 };

/**
 * Every folder to exist under the root, relative to it, parents before their children. (Helpers stay
 * unexported: the module returns only its entry point, as SuiteScript 2.x entry point scripts do.)
 */
function folderTree(): string[] {
  const wanted = new Set<string>();
  const add = (rel: string) => {
    const segs = joinPath(rel).split('/').filter(Boolean);
    for (let i = 1; i <= segs.length; i++) wanted.add(segs.slice(0, i).join('/'));
  };
  for (const dir of SFTP_FEED_FOLDERS) {
    add(dir);
    for (const outcome of OUTCOME_FOLDERS) add(`${dir}/${outcome}`);
  }
  // The folders the scripts read and write, whatever layout their feed definitions use.
  const readers: Pick<CsvImportFeed, 'feedDir' | 'inboxDir' | 'archiveDir' | 'failedDir' | 'errorDir'>[] = [
    UPDATE_SALES_ORDERS,
    INVENTORY_ADJUSTMENTS,
    IMPORT_CUSTOMERS,
    IMPORT_SALES_ORDERS,
    CUSTOMER_DEPOSIT_IMPORT,
  ];
  for (const f of readers) for (const d of [f.inboxDir, f.archiveDir, f.failedDir, f.errorDir]) add(`${f.feedDir}/${d}`);
  // The exports write to `dir`; the OMS moves what it read to archive/ or failed/ beneath it, and
  // the rejected-items export writes its set-aside reports to error/.
  const writers = [REJECTED_ITEMS_EXPORT, CUSTOMER_ID_EXPORT, ORDER_ID_EXPORT, LINE_ID_EXPORT, CUSTOMER_DEPOSIT_EXPORT, FULFILLMENT_EXPORT];
  for (const f of writers) for (const d of ['', ...OUTCOME_FOLDERS]) add(`${f.feedDir}/${f.dir}${d ? `/${d}` : ''}`);
  return [...wanted].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const depth = (p: string) => p.split('/').length;

/** `/a/b/c` → [`/a/b/c`, `/a/b`, `/a`, `/`]; a relative root ends with '' (the login directory). */
function ancestorsOf(root: string): string[] {
  const absolute = root.charAt(0) === '/';
  const segs = joinPath(root).split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = segs.length; i >= 0; i--) out.push((absolute ? '/' : '') + segs.slice(0, i).join('/'));
  return out;
}

function connect(s: SftpSettings, directory: string): sftp.Connection {
  const base = { url: s.url, username: s.username, port: s.port, hostKey: s.hostKey, ...(directory ? { directory } : {}) };
  // Same credential rule as lib/sftpClient: a 32-hex value is a legacy password GUID, else an API secret id.
  return /^[0-9a-f]{32}$/i.test(s.credential) ? sftp.createConnection({ ...base, passwordGuid: s.credential }) : sftp.createConnection({ ...base, secret: s.credential });
}

const errName = (e: unknown) => String((e as { name?: unknown })?.name ?? '');

/** Connects to the root or, when it is missing, to its nearest existing ancestor. */
function connectNearest(s: SftpSettings): { conn: sftp.Connection; base: string; missing: string } {
  const root = joinPath(s.defaultDir);
  const candidates = ancestorsOf(root);
  for (const dir of candidates) {
    try {
      const conn = connect(s, dir);
      const missing = joinPath(root.slice(dir.length).replace(/^\/+/, ''));
      return { conn, base: dir, missing };
    } catch (e) {
      if (errName(e) !== 'FTP_INVALID_DIRECTORY') throw e;
    }
  }
  throw error.create({ name: 'OMS_SFTP_NO_DIRECTORY', message: `no directory of ${root} could be opened on ${s.url}`, notifyOff: true });
}

interface TreeResult {
  root: string;
  created: string[];
  existing: number;
  /** Folders not reached because governance ran low (the next run creates them). */
  left: string[];
}

interface Listing {
  dirs: Set<string>;
  files: Set<string>;
}

/** Creates the missing folders of `paths` (relative to the connection, parents first). */
function ensureTree(conn: sftp.Connection, paths: readonly string[], minUsage: number): Omit<TreeResult, 'root'> {
  const listings = new Map<string, Listing>();
  const listing = (dir: string, fresh = false): Listing => {
    const known = listings.get(dir);
    if (known && !fresh) return known;
    const l: Listing = { dirs: new Set(), files: new Set() };
    for (const e of conn.list({ path: dir || '.', sort: sftp.Sort.NAME })) {
      if (e.name === '.' || e.name === '..') continue;
      (e.directory ? l.dirs : l.files).add(e.name);
    }
    listings.set(dir, l);
    return l;
  };
  const created: string[] = [];
  let existing = 0;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    const cut = path.lastIndexOf('/');
    const parent = cut < 0 ? '' : path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (remainingUsage() < minUsage + COST.list + COST.makeDirectory * 2) return { created, existing, left: paths.slice(i) };
    const siblings = listing(parent);
    if (siblings.dirs.has(name)) {
      existing++;
      continue;
    }
    if (siblings.files.has(name)) {
      throw error.create({ name: 'OMS_SFTP_NOT_A_DIRECTORY', message: `${path} is a file, not a folder; rename it and run again`, notifyOff: true });
    }
    try {
      conn.makeDirectory({ path });
    } catch (e) {
      if (!listing(parent, true).dirs.has(name)) throw e;
      existing++;
      continue;
    }
    siblings.dirs.add(name);
    listings.set(path, { dirs: new Set(), files: new Set() });
    created.push(path);
  }
  return { created, existing, left: [] };
}

export const execute: EntryPoints.Scheduled.execute = () => {
  const settings = loadSftpSettings(param(`${P}sftp_config`));
  const { conn, base, missing } = connectNearest(settings);
  const tree = folderTree();
  const paths = [...(missing ? ancestorsOf(missing).filter(Boolean).reverse() : []), ...tree.map((p) => joinPath(missing, p))];
  const result: TreeResult = { root: joinPath(settings.defaultDir), ...ensureTree(conn, paths, intParam(`${P}min_usage`, 100, 0, 5000)) };
  log.audit({
    title: 'SFTP folders',
    details: `${result.root} (connected at ${base || 'the login directory'}): ${result.created.length} created, ${result.existing} existing${result.created.length ? ` — ${result.created.join(', ')}` : ''}`.slice(0, 3900),
  });
  if (result.left.length) {
    log.audit({ title: 'SFTP folders: usage low, run again', details: `${result.left.length} folder(s) left: ${result.left.join(', ')}`.slice(0, 3900) });
  }
};
