/**
 * Opens the database: PostgreSQL when a connection string is given, otherwise PGlite (embedded
 * Postgres) in a data folder or in memory. Both run the same schema, migrations and SQL.
 */
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';
import { existsSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, takeOwnership, type FolderOwnership } from './owner';

/** The drizzle database (or transaction) every repository takes. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/**
 * An open transaction. A function that takes row locks (or needs its statements to commit
 * together) takes a `Tx`, so calling it outside a transaction does not compile; the caller (a
 * route, a job or an import runner) opens the transaction with `db.transaction(...)`.
 */
export type Tx = PgTransaction<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
export type Engine = 'pglite' | 'postgres';

/** What pg-boss needs: one SQL entry point. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface Database {
  readonly engine: Engine;
  readonly db: Db;
  /** Runs raw SQL with positional parameters ($1…); multi-statement text when no parameters. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** Adapter for pg-boss; with PostgreSQL pg-boss uses its own pool instead (see `connectionString`). */
  readonly executor: SqlExecutor;
  readonly connectionString?: string;
  /** The PGlite instance, when embedded. */
  readonly lite?: PGlite;
  /** This process's ownership of the PGlite data folder (src/db/owner.ts), when embedded in a folder. */
  readonly owner?: FolderOwnership;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder; `memory://` or undefined for in-memory. */
  dataDir?: string;
  /** A PGlite dump (from dumpDataDir) to start from: how tests clone a migrated template. */
  loadDataDir?: Blob;
  poolSize?: number;
  /** Hears that a stale lock of the data folder was taken over; default a line on stderr. */
  onWarning?: (message: string) => void;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir, opts.loadDataDir, opts.onWarning ?? warnOnStderr);
}

const warnOnStderr = (message: string) => { process.stderr.write(`oms: warning: ${message}\n`); };

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => { /* idle client errors surface on the next query */ });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const query = async <T>(text: string, values?: unknown[]) => {
    const r = await pool.query(text, values as any[]);
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    return { rows: (last?.rows ?? []) as T[] };
  };
  return {
    engine: 'postgres', db, query, connectionString: url,
    executor: { executeSql: (text, values) => query(text, values) },
    close: () => pool.end(),
  };
}

/**
 * A data folder is opened by one process at a time: its lock is taken before PGlite reads a file
 * (a `FolderOwnedError` when another live process holds it) and released once PGlite has closed.
 */
async function openPglite(dataDir: string | undefined, loadDataDir: Blob | undefined, warn: (message: string) => void): Promise<Database> {
  const folder = dataDir && dataDir !== 'memory://' ? dataDir : undefined;
  const owner = folder ? takeOwnership(folder, warn) : undefined;
  try {
    return await startPglite(folder, loadDataDir, owner);
  } catch (e) {
    owner?.release();
    throw e;
  }
}

/** Marks a folder whose database is being created (initdb or a template load) until PGlite has started on it. */
export const CREATING_MARKER = 'oms-creating';

/**
 * PGlite on `folder`. A folder without a database, or with one whose creation was cut short (the
 * marker still there: killed during initdb or a template load), is emptied (but for the owner's
 * lock) and created anew under the marker, which goes once PGlite has started; `create(true)` may
 * load a template, `create(false)` opens the existing database.
 */
async function createInFolder<T>(folder: string, create: (isNew: boolean) => Promise<T>): Promise<T> {
  const marker = join(folder, CREATING_MARKER);
  const isNew = !existsSync(join(folder, 'PG_VERSION')) || existsSync(marker);
  if (!isNew) return create(false);
  for (const name of readdirSync(folder)) if (name !== LOCK_FILE) rmSync(join(folder, name), { recursive: true, force: true });
  writeFileSync(marker, '');
  const lite = await create(true);
  unlinkSync(marker);
  return lite;
}

async function startPglite(folder: string | undefined, loadDataDir: Blob | undefined, owner: FolderOwnership | undefined): Promise<Database> {
  // Imported on demand: a PostgreSQL process never loads the embedded engine (~45 MB).
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const lite = folder ? await createInFolder(folder, (load) => PGlite.create({ dataDir: folder, loadDataDir: load ? loadDataDir : undefined }))
    : await PGlite.create({ loadDataDir });
  const db = drizzlePglite(lite, { schema }) as unknown as Db;
  const query = async <T>(text: string, values?: unknown[]) => {
    if (values && values.length) return { rows: (await lite.query<T>(text, values)).rows };
    const results = await lite.exec(text);
    return { rows: (results.at(-1)?.rows ?? []) as T[] };
  };
  let closed = false;
  return {
    engine: 'pglite', db, query, lite, owner,
    executor: { executeSql: (text, values) => query(text, values) },
    close: async () => {
      if (closed) return;
      closed = true;
      try { await lite.close(); } finally { owner?.release(); }
    },
  };
}
