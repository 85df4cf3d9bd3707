/**
 * The feed file registry (`feed_files`: what each import read and each export wrote) and the row
 * keys of the imports (`feed_rows_applied`: the business keys applied, by any file). One
 * statement per function.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows, textArray } from './rows';
import { feedFiles } from './schema';

/** A `feed_files` row. */
export type FeedFileRow = typeof feedFiles.$inferSelect;
/** The row errors a file's registry row keeps. */
export type FeedFileErrors = NonNullable<FeedFileRow['errors']>;


// --- row keys (feed_rows_applied) -------------------------------------------------------------

/**
 * Claims one business key; false when it was applied before. In the transaction (or savepoint)
 * of the row it applies: the key commits with the row's effects, or not at all.
 */
export async function claimKey(tx: Tx, feed: string, key: string, fileId: string, row: number): Promise<boolean> {
  return (await claimKeys(tx, feed, [{ key, row }], fileId)) === 1;
}

/** The keys among `keys` already applied. */
export async function appliedKeys(db: Db, feed: string, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const r = await queryRows<{ k: string }>(db, sql`
    select business_key as k
    from feed_rows_applied
    where feed = ${feed} and business_key = any(${textArray(keys)})`);
  return new Set(r.map((x) => x.k));
}

/**
 * Claims many keys, in the transaction of the chunk they belong to; returns how many were claimed
 * (fewer: some were claimed meanwhile).
 */
export async function claimKeys(tx: Tx, feed: string, keys: { key: string; row: number }[], fileId: string): Promise<number> {
  if (!keys.length) return 0;
  const r = await queryRows(tx, sql`
    insert into feed_rows_applied (
      feed,
      business_key,
      feed_file_id,
      row_number)
    select ${feed}, v.business_key, ${fileId}, v.row_number
    from unnest(${textArray(keys.map((k) => k.key))}, ${sql.param(keys.map((k) => k.row))}::int[]) as v(business_key, row_number)
    on conflict do nothing
    returning business_key`);
  return r.length;
}

// --- files read (direction IN) ----------------------------------------------------------------

/** A live (PROCESSING or APPLIED) IN row; `stale`: created longer ago than the claim lease. */
export interface LiveInFile { id: string; status: string; sha256: string | null; stale: boolean }

/** The live (PROCESSING / APPLIED) registry row of this file name, if any. */
export async function liveInFileByName(db: Db, feed: string, name: string, leaseMs: number): Promise<LiveInFile | undefined> {
  const rows = await queryRows<LiveInFile>(db, sql`
    select id,
           status,
           sha256,
           created_at < now() - (${leaseMs}::double precision * interval '1 millisecond') as stale
    from feed_files
    where feed = ${feed} and direction = 'IN' and file_name = ${name} and status in ('APPLIED', 'PROCESSING')
    order by created_at
    limit 1`);
  return rows[0];
}

/** What the registry records of a file read. */
export interface InFile { id: string; feed: string; fileName: string; folder: string; sha256: string; size: number; jobRunId: string }

/** Inserts the PROCESSING claim; false when another worker holds a live row of this name. */
export async function insertInFileClaim(db: Db, f: InFile): Promise<boolean> {
  const claimed = await queryRows<{ id: string }>(db, sql`
    insert into feed_files (
      id,
      feed,
      direction,
      file_name,
      folder,
      sha256,
      size,
      status,
      job_run_id)
    values (${f.id}, ${f.feed}, 'IN', ${f.fileName}, ${f.folder}, ${f.sha256}, ${f.size}, 'PROCESSING', ${f.jobRunId})
    on conflict do nothing
    returning id`);
  return claimed.length > 0;
}

/** A DUPLICATE or FAILED row (outside the live-name index), with its reason; a FAILED one counts it as its one error. */
export async function insertClosedInFile(db: Db, f: InFile, status: 'DUPLICATE' | 'FAILED', lastError: string): Promise<void> {
  await db.insert(feedFiles).values({
    ...f, direction: 'IN', status, completedAt: new Date(), lastError,
    ...(status === 'FAILED' && { errorCount: 1, errors: [{ row: 0, message: lastError }] }),
  });
}

/** A PROCESSING claim released as FAILED (abandoned, or its run interrupted); nothing when it is not PROCESSING any more. */
export async function releaseInFileClaim(db: Db, id: string, lastError: string): Promise<void> {
  await db.update(feedFiles)
    .set({ status: 'FAILED', lastError, completedAt: new Date() })
    .where(and(eq(feedFiles.id, id), eq(feedFiles.status, 'PROCESSING')));
}

/** The file FAILED as a whole: `reason` is its one error (row 0). */
export async function markInFileFailed(db: Db, id: string, reason: string): Promise<void> {
  await db.update(feedFiles)
    .set({ status: 'FAILED', lastError: reason, errorCount: 1, errors: [{ row: 0, message: reason }], completedAt: new Date() })
    .where(eq(feedFiles.id, id));
}

/** PROCESSING → APPLIED with its counts and (the first) row errors; false when the claim was taken over meanwhile. */
export async function markInFileApplied(db: Db, id: string, r: { rowCount: number; errorCount: number; errors: FeedFileErrors }): Promise<boolean> {
  const marked = await db.update(feedFiles)
    .set({ status: 'APPLIED', ...r, completedAt: new Date(), attempts: sql`${feedFiles.attempts} + 1` })
    .where(and(eq(feedFiles.id, id), eq(feedFiles.status, 'PROCESSING')))
    .returning({ id: feedFiles.id });
  return marked.length > 0;
}

// --- files written (direction OUT) ------------------------------------------------------------

/** The feed's files committed but not (known to be) uploaded, oldest first. */
export async function pendingOutFiles(db: Db, feed: string): Promise<FeedFileRow[]> {
  return db.select().from(feedFiles)
    .where(and(eq(feedFiles.feed, feed), eq(feedFiles.direction, 'OUT'), eq(feedFiles.status, 'PENDING_UPLOAD')))
    .orderBy(asc(feedFiles.createdAt), asc(feedFiles.id));
}

/** Waits for, then holds until the transaction ends, the advisory lock of a feed's claims. */
export async function lockFeedClaims(tx: Tx, key: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
}

/** The same lock held shared (claims that exclude each other by finer locks of their own). */
export async function lockFeedClaimsShared(tx: Tx, key: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${key})`);
}

/** Records a new OUT file PENDING_UPLOAD, in the transaction that claims its records. */
export async function insertOutFile(
  tx: Tx, f: { id: string; feed: string; fileName: string; folder: string; rowCount: number; jobRunId: string },
): Promise<void> {
  await tx.insert(feedFiles).values({ ...f, direction: 'OUT', status: 'PENDING_UPLOAD' });
}

/** PENDING_UPLOAD → UPLOADED, with what was put. */
export async function markOutFileUploaded(db: Db, id: string, put: { sha256: string; size: number }): Promise<void> {
  await db.update(feedFiles)
    .set({ status: 'UPLOADED', sha256: put.sha256, size: put.size, attempts: sql`${feedFiles.attempts} + 1`, lastError: null, completedAt: new Date() })
    .where(and(eq(feedFiles.id, id), eq(feedFiles.status, 'PENDING_UPLOAD')));
}

/** A failed upload of a PENDING_UPLOAD file: one more attempt, and its error. */
export async function recordUploadFailure(db: Db, id: string, lastError: string): Promise<void> {
  await db.update(feedFiles)
    .set({ attempts: sql`${feedFiles.attempts} + 1`, lastError })
    .where(and(eq(feedFiles.id, id), eq(feedFiles.status, 'PENDING_UPLOAD')));
}
