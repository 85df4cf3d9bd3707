export const ROOT: string;
export const DIST: string;
export const STEPS: { name: string; stamp: string; run(): Promise<Record<string, string>> }[];
/** Builds the steps (only the stale ones with `ifStale`); returns the names of those built. */
export function build(opts?: { ifStale?: boolean; log?: (line: string) => void }): Promise<string[]>;
