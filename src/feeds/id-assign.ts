/**
 * One shape for the imports that assign NetSuite ids to OMS records (order, line, customer and
 * deposit ids): per row, unknown record → row error; the same value again → reported no-op; a
 * DIFFERENT value for an id already set → row error (the id is not changed); else the id is set.
 * An id is set once and never changed, so the record's own state makes every row apply at most
 * once (no business key is recorded for these feeds). `decideIds` is the pure decision of a chunk,
 * rows in file order; the row-by-row path (`applyIdRow`) and the bulk path (`applyIdBatch`) both
 * go through it, with the targets locked.
 */
import type { Db, Tx } from '../db/client';
import type { IdPair } from '../db/netsuite-ids.repo';
import type { BatchContext, BatchRow, RowContext, RowOutcome } from './import-runner';

/** The record an id goes onto: its current id, and (payments) its order. */
export interface IdTarget { current: string | null; orderId?: string }

/** The targets of a chunk (locked), by target key. */
export interface IdFacts {
  targets: Map<string, IdTarget>;
  /** Orders that exist (for "unknown order" vs "unknown item"), when the feed needs it. */
  orders?: Set<string>;
}

type NotApplied = Exclude<RowOutcome, { kind: 'applied' }>;

/** One id import: how a record names its target and value, loads them, words its outcomes, writes. */
export interface IdAssignment<Rec> {
  target(rec: Rec): string;
  /** The lock the record's apply takes (default: its target): rows of different lanes run in parallel. */
  lane?(rec: Rec): string;
  value(rec: Rec): string;
  /** Locks (in key order) and reads the targets of the records. */
  load(tx: Tx, recs: Rec[]): Promise<IdFacts>;
  /** The row error of a record whose target does not exist. */
  unknown(rec: Rec, facts: IdFacts): NotApplied;
  /** A further check on an existing target (e.g. the payment's order). */
  check?(rec: Rec, t: IdTarget): NotApplied | null;
  same(rec: Rec): string;
  different(rec: Rec, current: string): { field: string; message: string };
  write(tx: Db, pairs: IdPair[]): Promise<void>;
}

/** Decides the rows in order, updating `facts` as each applies; returns outcomes and the writes. */
export function decideIds<Rec>(a: IdAssignment<Rec>, rows: BatchRow<Rec>[], facts: IdFacts) {
  const writes: (IdPair & { row: number })[] = [];
  const outcomes = rows.map(({ row, value: rec }): RowOutcome => {
    const t = facts.targets.get(a.target(rec));
    if (!t) return a.unknown(rec, facts);
    const refused = a.check?.(rec, t);
    if (refused) return refused;
    const v = a.value(rec);
    if (t.current === v) return { kind: 'noop', message: a.same(rec) };
    if (t.current !== null) return { kind: 'error', ...a.different(rec, t.current) };
    facts.targets.set(a.target(rec), { ...t, current: v });
    writes.push({ target: a.target(rec), value: v, row });
    return { kind: 'applied' };
  });
  return { outcomes, writes };
}

/** The row-by-row path: one row in its savepoint. */
export async function applyIdRow<Rec>(a: IdAssignment<Rec>, tx: Tx, rec: Rec, rc: RowContext): Promise<RowOutcome> {
  const { outcomes: [o], writes } = decideIds(a, [{ row: rc.row, value: rec }], await a.load(tx, [rec]));
  if (o.kind !== 'applied') return o;
  await a.write(tx, writes);
  return o;
}

/** The bulk path: a chunk in two statements (lock and read the targets, write the ids). */
export async function applyIdBatch<Rec>(a: IdAssignment<Rec>, tx: Tx, rows: BatchRow<Rec>[], _ctx: BatchContext): Promise<RowOutcome[]> {
  const { outcomes, writes } = decideIds(a, rows, await a.load(tx, rows.map((r) => r.value)));
  await a.write(tx, writes);
  return outcomes;
}
