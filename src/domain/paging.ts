/**
 * Lists are answered a page at a time: at most `limit` rows from `offset` in a stable order, with
 * the offset of the next page (`nextOffset`, null on the last page). A list reads `limit + 1` rows
 * to know whether another page follows, so no count query is needed.
 */
import { z } from 'zod';
import { INT4_MAX } from './limits';

export interface PageQuery { limit: number; offset: number }
export interface Page<T> { rows: T[]; nextOffset: number | null }

/** The page query with `limit` held to 1…`max`, `offset` to 0…int4. */
export function boundedPage(q: Partial<PageQuery>, max: number, fallback: number): PageQuery {
  const limit = Math.min(max, Math.max(1, Math.trunc(q.limit ?? fallback) || fallback));
  const offset = Math.min(INT4_MAX, Math.max(0, Math.trunc(q.offset ?? 0) || 0));
  return { limit, offset };
}

/** The rows to read for `q`: one more than the page, to tell whether another follows. */
export const readAhead = (q: PageQuery): PageQuery => ({ limit: q.limit + 1, offset: q.offset });

/** The page of `rows` read with `readAhead(q)`. */
export function pageOf<T>(rows: T[], q: PageQuery): Page<T> {
  return rows.length > q.limit ? { rows: rows.slice(0, q.limit), nextOffset: q.offset + q.limit } : { rows, nextOffset: null };
}

/** The `limit` and `offset` query parameters of a list (`limit` 1…`max`, default `fallback`; `offset` 0…int4, default 0). */
export function zPageQuery(max: number, fallback: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(max).default(fallback),
    offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
  });
}
