/**
 * Feed file names: the names the OMS writes and the anchored patterns it accepts on read.
 *
 * Outbound: `{prefix}_{yyyy-MM-dd-HH-mm-ss}_{runId}.{ext}`, time stamp in UTC.
 * Inbound: names chosen by NetSuite scripts, e.g. `${dateCreated}-RejectedSalesOrderItemExport.csv`,
 * whose `dateCreated` part is free-form (it may contain spaces, colons, parentheses, `+`). Remote
 * names are untrusted (reliability.md §A4.3): only a bare base name made of an allowlisted
 * character set, matching an anchored pattern, without `..`, separators, control characters or a
 * leading dot is accepted.
 */
import path from 'node:path';

export type FeedFileExt = 'csv' | 'json';

/** Run ids: letters, digits and `-` (a UUID fits), 1 to 64 characters. */
const RUN_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const PREFIX_RE = /^[A-Za-z][A-Za-z0-9]*$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `yyyy-MM-dd-HH-mm-ss` in UTC. */
function feedTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('feedTimestamp: invalid Date');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `-${pad(date.getUTCHours())}-${pad(date.getUTCMinutes())}-${pad(date.getUTCSeconds())}`
  );
}

/** `{prefix}_{yyyy-MM-dd-HH-mm-ss}_{runId}.{ext}` with a UTC time stamp. */
export function feedFileName(prefix: string, date: Date, runId: string, ext: FeedFileExt): string {
  if (!PREFIX_RE.test(prefix)) throw new RangeError(`feedFileName: bad prefix ${JSON.stringify(prefix)}`);
  if (!RUN_ID_RE.test(runId)) throw new RangeError(`feedFileName: bad run id ${JSON.stringify(runId)}`);
  if (ext !== 'csv' && ext !== 'json') throw new RangeError(`feedFileName: bad extension`);
  return `${prefix}_${feedTimestamp(date)}_${runId}.${ext}`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Anchored pattern of the names `feedFileName(prefix, *, *, ext)` produces. */
export function outboundNamePattern(prefix: string, ext: FeedFileExt): RegExp {
  return new RegExp(`^${escapeRe(prefix)}_\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}_[A-Za-z0-9-]{1,64}\\.${ext}$`);
}

interface ParsedFeedFileName {
  prefix: string;
  timestamp: Date;
  runId: string;
  ext: FeedFileExt;
}

/** Inverse of `feedFileName`, or `null` when the name is not one of ours. */
export function parseFeedFileName(name: string): ParsedFeedFileName | null {
  const m = /^([A-Za-z][A-Za-z0-9]*)_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})_([A-Za-z0-9-]{1,64})\.(csv|json)$/.exec(name);
  if (!m) return null;
  const n = m.slice(2, 8).map(Number);
  const t = new Date(Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]));
  if (feedTimestamp(t) !== m.slice(2, 8).join('-')) return null;
  return { prefix: m[1], timestamp: t, runId: m[8], ext: m[9] as FeedFileExt };
}

/**
 * Characters allowed in the free part of an inbound name (what `*` stands for): letters, digits,
 * space and `_ . : ( ) + , -`. No `/`, `\`, NUL, control characters, quotes or shell globs.
 */
const NAME_CHARS = "[A-Za-z0-9 _.:()+,-]";

/**
 * Anchored regex for a glob with `*` wildcards, e.g. `*-RejectedSalesOrderItemExport.csv`.
 * Each `*` matches one or more allowlisted characters.
 */
export function inboundNamePattern(glob: string): RegExp {
  const body = glob
    .split('*')
    .map(escapeRe)
    .join(`${NAME_CHARS}+`);
  return new RegExp(`^${body}$`);
}

/**
 * True when `name` is a bare, safe base name that matches `pattern` (which must be anchored).
 * Rejects: empty, `.`/`..`, any `..`, leading dot, `/`, `\`, NUL and other control characters,
 * names longer than 255 characters, and names whose basename differs from themselves.
 */
export function isSafeFeedFileName(name: string, pattern: RegExp): boolean {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return false;
  if (name.startsWith('.') || name.includes('..')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\/\\\u0000-\u001f\u007f]/.test(name)) return false;
  if (path.posix.basename(name) !== name || path.win32.basename(name) !== name) return false;
  return pattern.test(name);
}

/**
 * Remote path of a feed file: `{root}/{folder}/{name}` (POSIX, `root` absolute), after checking the
 * name with `isSafeFeedFileName` and that the result stays inside `{root}/{folder}`. Throws `RangeError`.
 */
export function feedFilePath(root: string, folder: string, name: string, pattern: RegExp): string {
  if (!isSafeFeedFileName(name, pattern)) throw new RangeError(`unsafe or unexpected feed file name`);
  if (!path.posix.isAbsolute(root)) throw new RangeError('feedFilePath: root must be an absolute path');
  const dir = path.posix.resolve(root, folder);
  if (dir !== path.posix.resolve(root) && !dir.startsWith(`${path.posix.resolve(root)}/`)) {
    throw new RangeError('feed folder escapes the root');
  }
  const full = path.posix.resolve(dir, name);
  if (path.posix.dirname(full) !== dir) throw new RangeError('feed file path escapes its folder');
  return full;
}
