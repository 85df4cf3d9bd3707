/**
 * Path safety for remote and local feed folders. Remote file names are untrusted
 * (reliability.md A4.3): a name is a single path component, matched against an anchored allowlist,
 * and every path a transport touches is resolved and checked to stay under its root.
 */
import path from 'node:path';
import { UnsafePathError } from './errors';

/** Longest file name accepted, in UTF-8 bytes (the usual NAME_MAX). */
export const MAX_NAME_BYTES = 255;

/**
 * Anchors a pattern: `^(?:source)$`, dropping the stateful `g` / `y` flags. A feed pattern such as
 * `/\.csv$/` therefore means "the whole name ends in .csv", and cannot accidentally match a part
 * of a longer, hostile name.
 */
export function anchored(pattern: RegExp): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${pattern.source})$`, flags);
}

/**
 * Why `name` is not a safe single file name, or `undefined` when it is. Structural rules always
 * apply: non-empty, not `.`/`..`, no `..` anywhere, no `/`, `\`, NUL or other control characters,
 * not absolute (POSIX or Windows drive form), not longer than {@link MAX_NAME_BYTES}. When a
 * pattern is given, the whole name must also match it (it is anchored here).
 */
export function unsafeNameReason(name: unknown, pattern?: RegExp): string | undefined {
  if (typeof name !== 'string') return 'not a string';
  if (name.length === 0) return 'empty name';
  if (name === '.' || name === '..') return 'dot entry';
  if (name.includes('\u0000')) return 'contains NUL';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (name.includes('..')) return 'contains ".."';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (path.posix.isAbsolute(name) || path.win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 'name too long';
  if (pattern && !anchored(pattern).test(name)) return `does not match ${anchored(pattern)}`;
  return undefined;
}

/** True when {@link unsafeNameReason} finds nothing wrong. */
export function isSafeName(name: unknown, pattern?: RegExp): name is string {
  return unsafeNameReason(name, pattern) === undefined;
}

/**
 * Returns `name` when it is a safe single file name (see {@link unsafeNameReason}) matching the
 * anchored `pattern` if one is given; throws {@link UnsafePathError} otherwise.
 */
export function safeName(name: string, pattern?: RegExp): string {
  const reason = unsafeNameReason(name, pattern);
  if (reason !== undefined) throw new UnsafePathError(String(name), reason);
  return name;
}

type PathApi = typeof path.posix;

function makeJoinInside(api: PathApi) {
  return (root: string, ...parts: string[]): string => {
    if (typeof root !== 'string' || !api.isAbsolute(root)) throw new UnsafePathError(String(root), 'root must be an absolute path');
    for (const p of [root, ...parts]) {
      if (typeof p !== 'string') throw new UnsafePathError(String(p), 'not a string');
      if (p.includes('\u0000')) throw new UnsafePathError(p, 'contains NUL');
    }
    const base = api.resolve(root);
    const full = api.resolve(base, ...parts.map((p) => (p === '' ? '.' : p)));
    const rel = api.relative(base, full);
    if (rel === '') return full;
    if (rel === '..' || rel.startsWith(`..${api.sep}`) || api.isAbsolute(rel)) {
      throw new UnsafePathError(parts.join(api.sep), `resolves to ${full}, outside ${base}`);
    }
    return full;
  };
}

/**
 * Joins `parts` under `root` (POSIX semantics, for SFTP paths), resolves `.`/`..`, and throws
 * {@link UnsafePathError} when the result is not `root` itself or a path beneath it.
 */
export const joinInside: (root: string, ...parts: string[]) => string = makeJoinInside(path.posix);

/** {@link joinInside} with the host platform's path rules, for local folders. */
export const joinInsideLocal: (root: string, ...parts: string[]) => string = makeJoinInside(path as PathApi);
