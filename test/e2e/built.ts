/** The build in dist/ that `bin/oms.js` runs, brought up to date once per test file (scripts/build.mjs). */
import { build } from '../../scripts/build.mjs';

let built: Promise<string[]> | undefined;

/** Builds what is stale (nothing when dist/ is current); tests that run `bin/oms.js` call it first. */
export const ensureBuilt = (): Promise<string[]> => (built ??= build({ ifStale: true, log: () => {} }));
