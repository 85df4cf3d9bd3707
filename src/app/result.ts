/** Expected business outcomes, returned as values (the HTTP layer maps `kind` to a status). */
import type { FieldError } from './order-input';

export type Failure =
  | { kind: 'not_found'; message: string }
  | { kind: 'invalid'; message: string; errors: FieldError[] }
  | { kind: 'illegal_transition'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'unprocessable'; message: string; details?: unknown };

export const notFound = (what: string, id: string): Failure => ({ kind: 'not_found', message: `${what} ${id} not found` });
export const invalid = (errors: FieldError[]): Failure => ({
  kind: 'invalid', errors, message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
});
export const illegal = (message: string): Failure => ({ kind: 'illegal_transition', message });

export function isFailure(x: { kind: string }): x is Failure {
  return ['not_found', 'invalid', 'illegal_transition', 'conflict', 'unprocessable'].includes(x.kind);
}
