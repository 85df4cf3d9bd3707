/**
 * What a database error thrown by a statement may say outside the server log. Drizzle wraps the
 * driver's error (`cause`) in one whose message holds the whole query and its parameters, which
 * can be a customer's name, address or e-mail; the driver's own `detail` repeats the row's values.
 * Only the SQLSTATE and the names of the constraint, column and table are kept.
 */

/** The PostgreSQL error (SQLSTATE `code`) behind a thrown error, searched along its `cause` chain. */
export interface DbError { code: string; message: string; constraint?: string; column?: string; table?: string; detail?: string }

export function databaseErrorOf(err: unknown): DbError | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e as DbError;
  }
  return undefined;
}

/** A row error's words for an error that stopped a row from being stored: no query, parameter or value. */
export function storageProblem(err: unknown): string {
  const e = databaseErrorOf(err);
  if (!e) return 'an unexpected error (see the server log)';
  const where = e.constraint ? `constraint ${e.constraint}` : e.column ? `column ${e.column}` : e.table ? `table ${e.table}` : undefined;
  return `the database refused it (SQLSTATE ${e.code}${where ? `, ${where}` : ''})`;
}
