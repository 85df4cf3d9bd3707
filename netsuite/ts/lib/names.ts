/** File names and SFTP paths. */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `yyyy-MM-dd-HH-mm-ss` in UTC: no spaces, no colons (HotWax used `${new Date()}`). */
export function utcStamp(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`
  );
}

/**
 * Remote names are untrusted: a bare base name of allowlisted characters (the same set the OMS
 * accepts), no separators, no leading dot, no `..`.
 */
const SAFE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9 _.:()+,-]{0,250}$/;

export function isSafeBaseName(name: string): boolean {
  return SAFE_NAME_RE.test(name) && name.indexOf('..') < 0;
}

/** A complete CSV file: `.csv` (any case), never a `.part` upload in progress. */
export function isCsvCandidate(name: string): boolean {
  return isSafeBaseName(name) && /\.csv$/i.test(name);
}

export function isPartial(name: string): boolean {
  return /\.part$/i.test(name);
}

/** `a.csv` + `-2` → `a-2.csv`. */
export function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}${suffix}${name.slice(dot)}` : `${name}${suffix}`;
}

/** Joins path parts with single `/`; keeps a leading `/`; drops empty parts and trailing `/`. */
export function joinPath(...parts: string[]): string {
  const absolute = parts.length > 0 && parts[0].charAt(0) === '/';
  const segs: string[] = [];
  for (const p of parts) for (const s of p.split('/')) if (s !== '' && s !== '.') segs.push(s);
  return (absolute ? '/' : '') + segs.join('/');
}
