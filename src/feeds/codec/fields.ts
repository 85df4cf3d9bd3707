/**
 * Zod builders for decoding feed cells (raw strings) into typed values, with short messages that
 * read well in the `row,field,message` error report. They mirror the column kinds in `cells.ts`.
 */
import { z } from 'zod';
import { DECIMAL_RE, INT_RE, SAFE_ID_RE, parseLenientDate, parseNsDate } from './cells';

const REQUIRED = 'is required';

/** Required safe identifier. */
export function zId() {
  return z.string().transform((s, ctx) => {
    if (s === '') ctx.addIssue({ code: 'custom', message: REQUIRED });
    else if (!SAFE_ID_RE.test(s)) ctx.addIssue({ code: 'custom', message: 'is not a valid identifier' });
    else return s;
    return z.NEVER;
  });
}

/** Optional safe identifier: empty → `undefined`. */
export function zOptionalId() {
  return z.string().transform((s, ctx): string | undefined => {
    if (s === '') return undefined;
    if (SAFE_ID_RE.test(s)) return s;
    ctx.addIssue({ code: 'custom', message: 'is not a valid identifier' });
    return z.NEVER;
  });
}

/** Required free text (any non-empty string, not altered). */
export function zText() {
  return z.string().min(1, REQUIRED);
}

/** Optional free text: empty → `undefined`. */
export function zOptionalText() {
  return z.string().transform((s): string | undefined => (s === '' ? undefined : s));
}

/** Integer cell → number. */
export function zInt(opts: { positive?: boolean } = {}) {
  return z.string().transform((s, ctx) => {
    if (s === '') ctx.addIssue({ code: 'custom', message: REQUIRED });
    else if (!INT_RE.test(s) || !Number.isSafeInteger(Number(s))) {
      ctx.addIssue({ code: 'custom', message: 'is not an integer' });
    } else if (opts.positive && Number(s) <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive integer' });
    } else return Number(s);
    return z.NEVER;
  });
}

/** Decimal cell → its exact text (no float rounding). */
export function zDecimal(opts: { positive?: boolean; optional?: boolean } = {}) {
  return z.string().transform((s, ctx): string | undefined => {
    if (s === '') {
      if (opts.optional) return undefined;
      ctx.addIssue({ code: 'custom', message: REQUIRED });
    } else if (!DECIMAL_RE.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'is not a decimal number' });
    } else if (opts.positive && (s.startsWith('-') || /^0+(\.0+)?$/.test(s))) {
      ctx.addIssue({ code: 'custom', message: 'must be greater than zero' });
    } else return s;
    return z.NEVER;
  });
}

/** `T` / `F` → boolean. */
export function zFlag() {
  return z.string().transform((s, ctx) => {
    if (s === 'T') return true;
    if (s === 'F') return false;
    ctx.addIssue({ code: 'custom', message: s === '' ? REQUIRED : 'must be T or F' });
    return z.NEVER;
  });
}

/** `M/D/YYYY` → the same text, validated as a real date. */
export function zNsDate() {
  return z.string().transform((s, ctx) => {
    if (s !== '' && parseNsDate(s)) return s;
    ctx.addIssue({ code: 'custom', message: s === '' ? REQUIRED : 'is not an M/D/YYYY date' });
    return z.NEVER;
  });
}

/** ISO 8601 or `M/D/YYYY[ h:mm[:ss] [am|pm]]` → Date (no offset = UTC). */
export function zLenientDate() {
  return z.string().transform((s, ctx) => {
    const d = s === '' ? null : parseLenientDate(s);
    if (d) return d;
    ctx.addIssue({ code: 'custom', message: s === '' ? REQUIRED : 'is not a date (expected ISO 8601 or M/D/YYYY)' });
    return z.NEVER;
  });
}

/** A cell that must hold exactly `value`. */
export function zConst<const V extends string>(value: V) {
  return z.string().transform((s, ctx): V => {
    if (s === value) return value;
    ctx.addIssue({ code: 'custom', message: s === '' ? REQUIRED : `must be ${value}` });
    return z.NEVER;
  });
}
