/**
 * Zod builders for decoding feed cells (raw strings) into typed values, with short messages that
 * read well in the `row,field,message` error report. They mirror the column kinds in `cells.ts`
 * and apply the limits of `domain/limits.ts`: text is storable and at most `LIMITS.noteLength`,
 * integers fit int4, decimals numeric(14,2), dates are real ones.
 */
import { z } from 'zod';
import { INT4_MAX, INT4_MIN, LIMITS, decimalFits, textProblem } from '../../domain/limits';
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

const TOO_LONG = `must be at most ${LIMITS.noteLength} characters`;
/** Why free text cannot be stored, if it cannot. */
const freeTextProblem = (s: string) => textProblem(s) ?? (s.length > LIMITS.noteLength ? TOO_LONG : undefined);

/** Required free text (any non-empty storable string, not altered). */
export function zText() {
  return z.string().min(1, REQUIRED).superRefine((s, ctx) => {
    const problem = freeTextProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Optional free text: empty → `undefined`. */
export function zOptionalText() {
  return z.string().transform((s, ctx): string | undefined => {
    if (s === '') return undefined;
    const problem = freeTextProblem(s);
    if (!problem) return s;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
}

/** Integer cell → number (within int4). */
export function zInt(opts: { positive?: boolean } = {}) {
  return z.string().transform((s, ctx) => {
    if (s === '') ctx.addIssue({ code: 'custom', message: REQUIRED });
    else if (!INT_RE.test(s) || !Number.isSafeInteger(Number(s))) {
      ctx.addIssue({ code: 'custom', message: 'is not an integer' });
    } else if (Number(s) < INT4_MIN || Number(s) > INT4_MAX) {
      ctx.addIssue({ code: 'custom', message: `must be from ${INT4_MIN} to ${INT4_MAX}` });
    } else if (opts.positive && Number(s) <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive integer' });
    } else return Number(s);
    return z.NEVER;
  });
}

/** Decimal cell → its exact text (no float rounding), within numeric(14,2). */
export function zDecimal(opts: { positive?: boolean; optional?: boolean } = {}) {
  return z.string().transform((s, ctx): string | undefined => {
    if (s === '') {
      if (opts.optional) return undefined;
      ctx.addIssue({ code: 'custom', message: REQUIRED });
    } else if (!DECIMAL_RE.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'is not a decimal number' });
    } else if (!decimalFits(s)) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${LIMITS.moneyMax} in absolute value` });
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
