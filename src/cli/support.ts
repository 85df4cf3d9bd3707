/**
 * What the commands share. Light on purpose: the CLI's start (`oms --help`, and every command
 * before its action) loads commander and these files only; the configuration (zod), the logs
 * (pino), the database and the use cases are imported by the action that needs them.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import type { Database } from '../db/client';
import type { OwnerRecord } from '../db/owner';

/** An expected failure of a command: printed on stderr, exit status 2. */
export class UsageError extends Error {}

let config: Promise<Config> | undefined;
/** The configuration, parsed once (a `ConfigError` naming every bad variable). */
export function getConfig(): Promise<Config> {
  config ??= import('../config').then((m) => m.loadConfig());
  return config;
}

/** The other process holding the embedded data folder (PGlite, `OMS_DATA_DIR/pglite`), if any; never with DATABASE_URL. */
export async function embeddedOwner(): Promise<OwnerRecord | undefined> {
  const c = await getConfig();
  if (c.DATABASE_URL) return undefined;
  const { liveOwner } = await import('../db/owner');
  return liveOwner(`${c.OMS_DATA_DIR}/pglite`);
}

/** Opens the configured database, migrated, for one command; closes it afterwards. */
export async function withDatabase<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const c = await getConfig();
  const [{ openConfiguredDatabase }, { migrateDatabase }] = await Promise.all([import('../main'), import('../db/migrate')]);
  const d = await openConfiguredDatabase(c);
  try {
    await migrateDatabase(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}

let logModule: Promise<typeof import('../log')> | undefined;
const logs = () => (logModule ??= import('../log'));

/**
 * Writes one problem line on stderr through the logs' sanitizer: a failed query's SQL and
 * parameters (a customer's name, address, phone, e-mail) never reach the terminal. The sanitizer
 * is loaded on first use, so the line follows once it is (lines keep their order).
 */
export async function printProblem(line: string): Promise<void> {
  const { withoutQueryText } = await logs();
  process.stderr.write(`${withoutQueryText(line)}\n`);
}

/** An unexpected error as the CLI prints it: its stack without the failed-query text. */
export async function problemText(e: unknown): Promise<string> {
  return (await logs()).safeErrorText(e);
}

export const printJson = (x: unknown): void => { process.stdout.write(`${JSON.stringify(x, null, 2)}\n`); };

/** Reads and parses a JSON file named by `what` (an option or argument); a `UsageError` when it cannot. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`${what}: cannot read ${path}: ${(e as Error).message}`); }
  try { return JSON.parse(text); } catch (e) { throw new UsageError(`${what}: ${path} is not valid JSON: ${(e as Error).message}`); }
}
