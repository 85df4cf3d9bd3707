/**
 * Expected business outcomes that are not a success, returned as values by every layer (use
 * cases, jobs admin, feeds). The HTTP layer maps a kind to a status (`http/errors.ts`), the feed
 * imports turn one into a row outcome; nothing matches on message text. A no-op (the wanted state
 * already holds) is not a failure: each use case returns its own `{ kind: 'noop' }`.
 */

export interface FieldError { field: string; message: string }

/** The kinds, once: the type, `isFailure` and the status map derive from this list. */
export const FAILURE_KINDS = ['not_found', 'invalid', 'illegal_transition', 'conflict', 'unprocessable'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export type Failure =
  /** The record named does not exist (`field`: the input that named it). */
  | { kind: 'not_found'; message: string; field?: string }
  /** The input is malformed or refers to unknown reference data; one entry per field. */
  | { kind: 'invalid'; message: string; errors: FieldError[] }
  /** The record exists but its state does not allow the operation (`field`: the input concerned). */
  | { kind: 'illegal_transition'; message: string; field?: string }
  /** Another operation holds or changed the record meanwhile. */
  | { kind: 'conflict'; message: string }
  /** Well-formed, but the system cannot act on it (e.g. a routing profile that cannot route). */
  | { kind: 'unprocessable'; message: string; details?: unknown };

const KINDS: ReadonlySet<string> = new Set(FAILURE_KINDS);

export function isFailure(x: { kind: string }): x is Failure {
  return KINDS.has(x.kind);
}

export const notFound = (what: string, id: string, field?: string): Failure => ({
  kind: 'not_found', message: `${what} ${id} not found`, ...(field !== undefined && { field }),
});
export const invalid = (errors: FieldError[]): Failure => ({
  kind: 'invalid', errors, message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
});
export const invalidField = (field: string, message: string): Failure => invalid([{ field, message }]);
export const illegal = (message: string, field?: string): Failure => ({ kind: 'illegal_transition', message, ...(field !== undefined && { field }) });
export const conflict = (message: string): Failure => ({ kind: 'conflict', message });

/** The input field a failure is about, when it names one. */
export function failureField(f: Failure): string | undefined {
  if (f.kind === 'invalid') return f.errors[0]?.field;
  return 'field' in f ? f.field : undefined;
}
