import { readFileSync } from 'node:fs';
import { loadConfig, type Config } from '../config';
import { openConfiguredDatabase } from '../main';
import { migrateDatabase } from '../db/migrate';
import type { Database } from '../db/client';
import { liveOwner, type OwnerRecord } from '../db/owner';
import { safeErrorText, withoutQueryText } from '../log';

/** An expected failure of a command: printed on stderr, exit status 2. */
export class UsageError extends Error {}

let config: Config | undefined;
export function getConfig(): Config {
  config ??= loadConfig();
  return config;
}

/** The other process holding the embedded data folder (PGlite, `OMS_DATA_DIR/pglite`), if any; never with DATABASE_URL. */
export function embeddedOwner(): OwnerRecord | undefined {
  const c = getConfig();
  return c.DATABASE_URL ? undefined : liveOwner(`${c.OMS_DATA_DIR}/pglite`);
}

/** Opens the configured database, migrated, for one command; closes it afterwards. */
export async function withDatabase<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openConfiguredDatabase(getConfig());
  try {
    await migrateDatabase(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}

/**
 * Writes one problem line on stderr through the logs' sanitizer: a failed query's SQL and
 * parameters (a customer's name, address, phone, e-mail) never reach the terminal.
 */
export function printProblem(line: string): void {
  process.stderr.write(`${withoutQueryText(line)}\n`);
}

/** An unexpected error as the CLI prints it: its stack without the failed-query text. */
export const problemText = (e: unknown): string => safeErrorText(e);

export const printJson = (x: unknown): void => { process.stdout.write(`${JSON.stringify(x, null, 2)}\n`); };

/** Reads and parses a JSON file named by `what` (an option or argument); a `UsageError` when it cannot. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`${what}: cannot read ${path}: ${(e as Error).message}`); }
  try { return JSON.parse(text); } catch (e) { throw new UsageError(`${what}: ${path} is not valid JSON: ${(e as Error).message}`); }
}
