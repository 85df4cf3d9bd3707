/**
 * Structured JSON logs (pino). Customer data never reaches them, at two levels:
 *
 * - personal fields (names, addresses, phones, e-mails) are censored wherever they are nested
 *   (pino `redact`);
 * - errors are rebuilt by `safeError`: a database error's query, parameters, detail and context
 *   (`query`, `parameters`, `params`, `detail`, `where`, …) are dropped, and drizzle's
 *   "Failed query: … params: …" text is cut from messages and stacks (`withoutQueryText`), so a
 *   failed insert of an order does not print its ship-to address. Every string of a log line
 *   (the message included) goes through the same cut. The CLI prints its errors through
 *   `safeErrorText`.
 */
import pino, { type Logger } from 'pino';

/** Keys holding personal data, censored at any of the first three levels of a log object. */
export const PII_KEYS = [
  'email', 'phone', 'shipTo', 'shipToName', 'address1', 'address2', 'addressee', 'firstName', 'lastName', 'name',
  'postalCode', 'zip', 'city', 'street',
] as const;

/** Properties of an error that hold a query, its values or the row it failed on. */
const ERROR_DROPPED = new Set(['query', 'parameters', 'params', 'detail', 'where', 'internalQuery', 'internalPosition', 'position']);

/** The text drizzle puts in a failed query's message: the SQL, then `params: ` and every value. */
const FAILED_QUERY = /Failed query: [\s\S]*?\nparams: [\s\S]*?(?=\n\s+at\s|$)/g;
const QUERY_WITHHELD = 'Failed query (SQL and parameters withheld from logs)';

/** `text` without drizzle's failed-query dump (the SQL and its parameters). */
export function withoutQueryText(text: string): string {
  return text.includes('Failed query: ') ? text.replace(FAILED_QUERY, QUERY_WITHHELD) : text;
}

type Plain = Record<string, unknown>;

/**
 * An error as a plain object fit for a log: type, message and stack without the failed-query
 * text, its code and other scalar properties, its `cause` (and an AggregateError's `errors`) the
 * same way, never its query, parameters or detail. Non-errors pass through `safeValue`.
 */
export function safeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return safeValue(err, depth);
  const out: Plain = { type: err.constructor?.name ?? err.name, message: withoutQueryText(err.message) };
  if (err.stack) out.stack = withoutQueryText(err.message ? err.stack.replace(err.message, out.message as string) : err.stack);
  for (const [k, v] of Object.entries(err)) {
    if (ERROR_DROPPED.has(k) || k === 'cause' || k === 'errors' || k === 'message' || k === 'stack') continue;
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = typeof v === 'string' ? withoutQueryText(v) : v;
  }
  if (depth < 4 && err.cause !== undefined) out.cause = safeError(err.cause, depth + 1);
  if (depth < 4 && err instanceof AggregateError) out.errors = err.errors.slice(0, 10).map((e) => safeError(e, depth + 1));
  return out;
}

/** A log value with every string cut of failed-query text and every error rebuilt by `safeError`. */
function safeValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return withoutQueryText(v);
  if (v instanceof Error) return safeError(v, depth);
  if (v === null || typeof v !== 'object' || depth > 5) return v;
  if (Array.isArray(v)) return v.map((x) => safeValue(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Plain = {};
  for (const [k, x] of Object.entries(v)) out[k] = safeValue(x, depth + 1);
  return out;
}

/** One line for a terminal: the error's stack (or message) without the failed-query text. */
export function safeErrorText(err: unknown): string {
  if (!(err instanceof Error)) return withoutQueryText(String(err));
  const text = (safeError(err) as Plain).stack ?? (safeError(err) as Plain).message;
  return String(text);
}

/** The pino options that keep customer data out of every line (used by `createLogger`; tests reuse them). */
export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    base: { service: 'oms' },
    redact: { paths: [...PII_KEYS, ...PII_KEYS.map((p) => `*.${p}`), ...PII_KEYS.map((p) => `*.*.${p}`)], censor: '[redacted]' },
    serializers: { err: safeError, error: safeError, msg: (m: unknown) => (typeof m === 'string' ? withoutQueryText(m) : m) },
    formatters: { log: (obj) => safeValue(obj, 0) as Plain },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(loggerOptions(level), destination);
}
