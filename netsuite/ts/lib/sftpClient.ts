/**
 * SFTP access: connection from the `customrecord_oms_sftp_configuration` record, listing, moving
 * (creating a missing target folder, never overwriting an archived file silently) and uploads
 * that appear under their final name only when complete (`NAME.part`, then a move).
 */
import * as error from 'N/error';
import * as file from 'N/file';
import * as log from 'N/log';
import * as search from 'N/search';
import * as sftp from 'N/sftp';
import { SFTP_CONFIG } from './fields';
import { joinPath, utcStamp, withSuffix } from './names';

export interface SftpSettings {
  url: string;
  username: string;
  port: number;
  hostKey: string;
  credential: string;
  /** Root of the integration folders, e.g. `/home/{user}/netsuite/` (trailing `/` optional). */
  defaultDir: string;
}

export interface RemoteFile {
  name: string;
  size: number;
  lastModified: string;
}

/** Reads the active SFTP configuration record (`configId` picks one when several exist). */
export function loadSftpSettings(configId: string): SftpSettings {
  const filters: unknown[] = [['isinactive', 'is', 'F']];
  if (configId) filters.push('AND', ['internalid', 'anyof', configId]);
  const columns = [SFTP_CONFIG.server, SFTP_CONFIG.userId, SFTP_CONFIG.port, SFTP_CONFIG.hostKey, SFTP_CONFIG.guid, SFTP_CONFIG.defaultDir];
  const found = search
    .create({ type: SFTP_CONFIG.type, filters, columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), ...columns] })
    .run()
    .getRange({ start: 0, end: 1 });
  if (found.length === 0) {
    throw error.create({ name: 'OMS_SFTP_CONFIG_MISSING', message: `No active ${SFTP_CONFIG.type} record${configId ? ` with id ${configId}` : ''}`, notifyOff: true });
  }
  const get = (name: string): string => {
    const v = found[0].getValue({ name });
    return v === null || v === undefined ? '' : String(v).trim();
  };
  const settings: SftpSettings = {
    url: get(SFTP_CONFIG.server),
    username: get(SFTP_CONFIG.userId),
    port: Number(get(SFTP_CONFIG.port)) || 22,
    hostKey: get(SFTP_CONFIG.hostKey),
    credential: get(SFTP_CONFIG.guid),
    defaultDir: get(SFTP_CONFIG.defaultDir),
  };
  const missing = (['url', 'username', 'hostKey', 'credential', 'defaultDir'] as const).filter((k) => !settings[k]);
  if (missing.length) {
    throw error.create({ name: 'OMS_SFTP_CONFIG_INCOMPLETE', message: `SFTP configuration ${found[0].id} lacks ${missing.join(', ')}`, notifyOff: true });
  }
  return settings;
}

/** Opens a connection whose working directory is `{defaultDir}/{feedDir}`. */
export function openFeedConnection(s: SftpSettings, feedDir: string): sftp.Connection {
  const directory = joinPath(s.defaultDir, feedDir);
  const base = { url: s.url, username: s.username, port: s.port, hostKey: s.hostKey, directory };
  // A legacy credential field holds a 32-hex password GUID; current setups hold an API secret id.
  return /^[0-9a-f]{32}$/i.test(s.credential)
    ? sftp.createConnection({ ...base, passwordGuid: s.credential })
    : sftp.createConnection({ ...base, secret: s.credential });
}

/** Files (not directories) of `dir`, oldest first. */
export function listFiles(conn: sftp.Connection, dir: string): RemoteFile[] {
  return conn
    .list({ path: dir, sort: sftp.Sort.DATE })
    .filter((e) => !e.directory && e.name !== '.' && e.name !== '..')
    .map((e) => ({ name: e.name, size: Number(e.size) || 0, lastModified: String(e.lastModified) }));
}

/** Names in `dir`, or null when the directory cannot be listed (does not exist). */
function namesIn(conn: sftp.Connection, dir: string): Set<string> | null {
  try {
    return new Set(conn.list({ path: dir, sort: sftp.Sort.NAME }).map((e) => e.name));
  } catch (e) {
    return null;
  }
}

/** Creates `dir` and its missing parents (relative to the connection directory). */
export function ensureDir(conn: sftp.Connection, dir: string): void {
  const segs = joinPath(dir).split('/');
  for (let i = 1; i <= segs.length; i++) {
    const path = segs.slice(0, i).join('/');
    if (path === '' || namesIn(conn, path) !== null) continue;
    conn.makeDirectory({ path });
  }
}

export type MoveOutcome = { outcome: 'moved' | 'already-moved'; to: string };

/**
 * Moves `fromDir/name` into `toDir`. A missing target folder is created. When the source is gone
 * and the target holds the name, an earlier run already moved it. When the target already holds
 * another file of that name, both are kept: the moved one becomes `name-<UTC stamp>.ext`.
 */
export function moveFile(conn: sftp.Connection, fromDir: string, toDir: string, name: string): MoveOutcome {
  const from = joinPath(fromDir, name);
  const to = joinPath(toDir, name);
  try {
    conn.move({ from, to });
    return { outcome: 'moved', to };
  } catch (e) {
    let target = namesIn(conn, toDir);
    if (target === null) {
      ensureDir(conn, toDir);
      target = new Set();
    }
    const source = namesIn(conn, fromDir);
    if (!source || !source.has(name)) {
      if (target.has(name)) return { outcome: 'already-moved', to };
      throw e;
    }
    if (!target.has(name)) {
      conn.move({ from, to });
      return { outcome: 'moved', to };
    }
    let other = withSuffix(name, `-${utcStamp(new Date())}`);
    for (let n = 2; target.has(other); n++) other = withSuffix(name, `-${utcStamp(new Date())}-${n}`);
    const otherPath = joinPath(toDir, other);
    log.audit({ title: 'SFTP name taken', details: `${to} exists; moving ${from} to ${otherPath}` });
    conn.move({ from, to: otherPath });
    return { outcome: 'moved', to: otherPath };
  }
}

/**
 * Uploads `contents` as `dir/NAME.part`, then moves it to `dir/NAME`, so a reader never sees a
 * half-written file. An existing `dir/NAME` is never replaced (a reader may not have taken it yet):
 * the file gets `alternative(2)`, `alternative(3)`, … instead. Returns the final path.
 */
export function uploadAtomic(conn: sftp.Connection, dir: string, name: string, contents: string, alternative: (n: number) => string): string {
  const part = `${name}.part`;
  const f = file.create({ name: part, fileType: file.Type.CSV, contents });
  conn.upload({ file: f, filename: part, directory: dir, replaceExisting: true });
  const from = joinPath(dir, part);
  try {
    conn.move({ from, to: joinPath(dir, name) });
    return joinPath(dir, name);
  } catch (e) {
    const names = namesIn(conn, dir);
    if (!names || !names.has(part) || !names.has(name)) throw e;
    let n = 2;
    while (names.has(alternative(n))) n++;
    conn.move({ from, to: joinPath(dir, alternative(n)) });
    return joinPath(dir, alternative(n));
  }
}
