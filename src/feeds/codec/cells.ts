/**
 * Cell-level rules shared by every CSV feed: column specs, formula neutralisation (OWASP CSV
 * injection), strict numeric / id validation, and NetSuite date formats.
 *
 * Rule of thumb (reliability.md §A4.1): free text is neutralised, everything else is validated and
 * either written exactly as given or refused with a `FeedEncodeError`. A value is never silently
 * altered except free text getting its protective leading `'`.
 */
import { NETSUITE_ID_RE } from '../../domain/netsuite-lines';
import { FeedEncodeError, describeValue } from './errors';
import { parseIsoDate, validYmd } from '../../domain/limits';

/**
 * - `text`: free text; neutralised on write; may be empty unless `optional: false`.
 * - `phone`: free text that keeps a plain phone number (`+1 (555) 010-0000`) unaltered; anything
 *   else is neutralised like `text`. Added because a leading `+` is normal in E.164 numbers.
 * - `int`: `^-?\d+$`, written as given (`-5` stays `-5`).
 * - `decimal`: `^-?\d+(\.\d+)?$`, written as given.
 * - `id`: a safe identifier (see `SAFE_ID_RE`); refused, never altered.
 * - `flag`: `T` / `F` (booleans accepted on write).
 * - `date`: `M/D/YYYY` (a `Date` is formatted in UTC on write; pre-format with `formatNsDate` for
 *   another time zone).
 */
type ColumnKind = 'text' | 'phone' | 'int' | 'decimal' | 'id' | 'flag' | 'date';

export interface ColumnSpec {
  /** Exact header cell, as in the contract. */
  readonly name: string;
  readonly kind: ColumnKind;
  /** Property of the row object; defaults to `name`. */
  readonly key?: string;
  /** May be empty. Default: `true` for text/phone, `false` for every other kind. */
  readonly optional?: boolean;
  /** int/decimal only: must be > 0. */
  readonly positive?: boolean;
  /**
   * Decode only: the column may be missing from a file's header (an older form of the feed); the
   * row object then has no value (`undefined`) for it. Written always.
   */
  readonly absentable?: boolean;
}

export const INT_RE = /^-?\d+$/;
export const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
/** Letters, digits and `_ . : # / @ + -`, at most 255 chars, first char a letter, digit or `_`. */
export const SAFE_ID_RE = NETSUITE_ID_RE;
const NS_DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const PHONE_RE = /^\+?[0-9][0-9 ().\-x]{0,39}$/;
/** `=`, `+`, `-`, `@`, tab, CR, LF (OWASP / CWE-1236) and NUL (ASVS 1.2.10). */
const FORMULA_TRIGGER_RE = /^[=+\-@\t\r\n\0]/;

export function columnKey(col: ColumnSpec): string {
  return col.key ?? col.name;
}

function isOptional(col: ColumnSpec): boolean {
  return col.optional ?? (col.kind === 'text' || col.kind === 'phone');
}

/**
 * Prefix `'` to text that a spreadsheet would read as a formula. Quotes, commas and line breaks
 * inside the text are left to RFC 4180 quoting by the CSV writer.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_TRIGGER_RE.test(text) ? `'${text}` : text;
}

export function isSafeId(text: string): boolean {
  return SAFE_ID_RE.test(text);
}

/** `M/D/YYYY` (no leading zeros) of the calendar day of `date` in `timeZone` (default UTC). */
export function formatNsDate(date: Date, timeZone = 'UTC'): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('formatNsDate: invalid Date');
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return `${get('month')}/${get('day')}/${get('year')}`;
}

/** Parse `M/D/YYYY` (leading zeros tolerated) to UTC midnight, or `null`. */
export function parseNsDate(text: string): Date | null {
  const m = NS_DATE_RE.exec(text);
  if (!m) return null;
  const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validYmd(y, mo, d) ? new Date(Date.UTC(y, mo - 1, d)) : null;
}

const US_DATETIME_RE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

/**
 * Lenient date for inbound feeds: ISO 8601 (`2024-02-29`, `2024-02-29T13:05:00Z`,
 * `2024-02-29 13:05:00+01:00`, read by `parseIsoDate` of `domain/limits.ts`) or NetSuite `M/D/YYYY`
 * optionally followed by `h:mm[:ss] [am|pm]`. A date or time without an offset is taken as UTC.
 * Returns `null` when unparseable or not a real date.
 */
export function parseLenientDate(text: string): Date | null {
  const s = text.trim();
  if (/^\d{4}-/.test(s)) return parseIsoDate(s);
  const m = US_DATETIME_RE.exec(s);
  if (m) {
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validYmd(y, mo, d)) return null;
    if (m[4] === undefined) return new Date(Date.UTC(y, mo - 1, d));
    let h = Number(m[4]);
    const [mi, sec] = [Number(m[5]), Number(m[6] ?? 0)];
    const ampm = m[7]?.toLowerCase();
    if (ampm) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    if (h > 23 || mi > 59 || sec > 59) return null;
    return new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  }
  return null;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function checkPositive(col: ColumnSpec, text: string, record: number): string {
  if (col.positive && (text.startsWith('-') || /^0+(\.0+)?$/.test(text))) {
    throw new FeedEncodeError(`must be greater than zero, got ${describeValue(text)}`, col.name, record);
  }
  return text;
}

/**
 * Turn one row value into its cell text, or throw `FeedEncodeError`.
 * `record` is the 1-based data record number, used only in the error.
 */
export function encodeCell(col: ColumnSpec, value: unknown, record: number): string {
  if (isEmpty(value)) {
    if (isOptional(col)) return '';
    throw new FeedEncodeError('is required', col.name, record);
  }
  const fail = (what: string): never => {
    throw new FeedEncodeError(`${what}, got ${describeValue(value)}`, col.name, record);
  };
  switch (col.kind) {
    case 'text':
    case 'phone': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        fail('expected text');
      }
      const text = String(value);
      if (col.kind === 'phone' && PHONE_RE.test(text)) return text;
      return neutralizeFormula(text);
    }
    case 'int': {
      if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) fail('expected an integer');
        return checkPositive(col, String(value), record);
      }
      if (typeof value !== 'string' || !INT_RE.test(value)) fail('expected an integer');
      return checkPositive(col, value as string, record);
    }
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL_RE.test(text)) fail('expected a decimal number');
      return checkPositive(col, text as string, record);
    }
    case 'id': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
      if (typeof text !== 'string' || !SAFE_ID_RE.test(text)) fail('expected a safe identifier');
      return text as string;
    }
    case 'flag': {
      if (value === true || value === 'T') return 'T';
      if (value === false || value === 'F') return 'F';
      return fail('expected T/F or a boolean');
    }
    case 'date': {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) fail('expected a valid date');
        return formatNsDate(value);
      }
      if (typeof value !== 'string' || !NS_DATE_RE.test(value) || !parseNsDate(value)) {
        fail('expected a Date or an M/D/YYYY date');
      }
      return value as string;
    }
  }
}

/** Cells of one row in column order. */
export function encodeRowCells(columns: readonly ColumnSpec[], row: Record<string, unknown>, record: number): string[] {
  if (row === null || typeof row !== 'object') {
    throw new FeedEncodeError('row is not an object', columns[0]?.name ?? '', record);
  }
  return columns.map((col) => encodeCell(col, row[columnKey(col)], record));
}
