/** Small helpers for the job tests. */
import { openDatabase, type Database } from '../../src/db/client';

/** Polls `probe` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A promise the test resolves by hand. */
export function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => { open = r; });
  return { promise, open };
}

/** A second, independent connection to the same database (PostgreSQL); PGlite is one session, so itself. */
export async function secondConnection(d: Database & { url?: string }): Promise<{ other: Database; close: () => Promise<void> }> {
  if (d.engine === 'pglite' || !d.url) return { other: d, close: async () => {} };
  const other = await openDatabase({ databaseUrl: d.url, poolSize: 2 });
  return { other, close: () => other.close() };
}
