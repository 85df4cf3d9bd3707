/**
 * The limits of every input, declared once. The API schemas, the JSON/CSV order import and the
 * feed decoders apply them, so a value the database cannot hold is refused up front as a 400
 * naming its field instead of failing inside a statement.
 *
 * - Text never holds NUL (PostgreSQL `text` and `jsonb` cannot store it) nor a lone UTF-16
 *   surrogate (not Unicode: the driver would silently turn it into U+FFFD, `jsonb` refuses it).
 * - Identifiers are indexed: 255 characters are at most 1,020 UTF-8 bytes, well under a b-tree
 *   entry's 2,704 bytes.
 * - Integers fit `integer` (int4); quantities and stock are kept far below it, so the sums the
 *   ledger and the reservations make of them still fit.
 * - Money fits `numeric(14,2)`: at most 12 digits before the point once rounded to cents.
 * - Dates are real calendar dates in ISO 8601 (`2024-02-29`, `2024-02-29T13:05:00Z`,
 *   `2024-02-29T13:05:00.123+01:00`); without an offset they are UTC.
 */
import { z } from 'zod';

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

export const LIMITS = {
  /** Identifiers, external ids, SKUs, codes: indexed columns. */
  idLength: 255,
  /** Names, address lines, methods and other short free text. */
  textLength: 255,
  /** Comments, messages and other long free text. */
  noteLength: 2000,
  /** RFC 5321's longest address. */
  emailLength: 254,
  /** Units on one order line. */
  quantityMax: 1_000_000,
  /** Units on hand of one product at one facility, and the size of one adjustment. */
  stockMax: 1_000_000_000,
  /** numeric(14,2): 12 digits before the point. */
  moneyMax: 999_999_999_999.99,
  /** Lines of one order (every line is a row in several multi-row statements). */
  orderLines: 1000,
  /** Payments of one order. */
  orderPayments: 100,
  /** ZIP ranges and accounting codes of one facility. */
  facilityListItems: 1000,
  /** Calendar years a date may fall in. */
  minYear: 1900,
  maxYear: 9999,
} as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (invalid Unicode)';
  return undefined;
}

/** A storable string of at most `max` characters (`min` 1 by default: required text is not empty). */
export function zSafeString(max: number, min = 0) {
  return z.string()
    .max(max, `must be at most ${max} characters`)
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .superRefine((s, ctx) => {
      const problem = textProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** An identifier or key: non-empty, storable, at most `LIMITS.idLength`. */
export const zKey = () => zSafeString(LIMITS.idLength, 1);
/** Short free text (may be empty). */
export const zShortText = () => zSafeString(LIMITS.textLength);

/** A whole number in [min, max] (both within int4). */
export function zInteger(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** A money amount ≥ 0 (or > 0 when `positive`) that numeric(14,2) holds once rounded to cents. */
export function zMoney(opts: { positive?: boolean } = {}) {
  const message = `must be a${opts.positive ? ' positive' : 'n'} amount of at most ${LIMITS.moneyMax}`;
  const base = z.number({ error: message });
  return (opts.positive ? base.positive(message) : base.nonnegative(message))
    .refine((n) => Number.isFinite(n) && Math.round(n * 100) / 100 <= LIMITS.moneyMax, message);
}

/** Whether a decimal text (`-12.50`) fits numeric(14,2) once rounded to cents. */
export function decimalFits(text: string): boolean {
  const n = Number(text);
  return Number.isFinite(n) && Math.abs(Math.round(n * 100) / 100) <= LIMITS.moneyMax;
}

/** A real calendar day within the years allowed. */
export function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < LIMITS.minYear || y > LIMITS.maxYear) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time (space or `T`; no offset = UTC) as a Date, or null when it is not a real one. */
export function parseIsoDate(text: string): Date | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validYmd(y, mo, d)) return null;
  if (m[4] === undefined) return new Date(Date.UTC(y, mo - 1, d));
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4))];
    if (oh > 23 || om > 59) return null;
    t -= (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return new Date(t);
}

const DATE_MESSAGE = 'must be a real date in ISO 8601 (e.g. 2026-11-20 or 2026-11-20T10:00:00Z)';

/**
 * An ISO 8601 text → Date; anything else (null, a number, `2024-02-30`) is refused. A Date passes
 * as it is: a body the route already parsed is parsed again by its use case.
 */
export function zIsoDate() {
  const text = z.string({ error: DATE_MESSAGE }).max(40, DATE_MESSAGE).transform((s, ctx) => {
    const d = parseIsoDate(s);
    if (d) return d;
    ctx.addIssue({ code: 'custom', message: DATE_MESSAGE });
    return z.NEVER;
  });
  return z.preprocess((v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : v), text);
}

/**
 * Adds an issue for every string (or key) of a JSON value that cannot be stored, and for nesting
 * deeper than `maxDepth`: for the free-form parts of a body (job params, settings) kept in `jsonb`.
 */
export function refineStorable(value: unknown, ctx: z.RefinementCtx, maxDepth = 20): void {
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (path.length > maxDepth) { ctx.addIssue({ code: 'custom', message: `nested deeper than ${maxDepth} levels`, path }); return; }
    if (typeof v === 'string') {
      const problem = textProblem(v) ?? (v.length > LIMITS.noteLength ? `must be at most ${LIMITS.noteLength} characters` : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const problem = textProblem(k);
        if (problem) ctx.addIssue({ code: 'custom', message: `key ${problem}`, path: [...path, k] });
        else walk(x, [...path, k]);
      }
    }
  };
  walk(value, []);
}

/** Any JSON value that `refineStorable` accepts. */
export const zStorableJson = () => z.unknown().superRefine((v, ctx) => refineStorable(v, ctx));
