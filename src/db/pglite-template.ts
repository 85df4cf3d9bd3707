/**
 * The migrated PGlite template: a new embedded database starts from a dump of one that is already
 * created, migrated and holds the reference data, instead of running PGlite's initdb (in WASM,
 * seconds of silence) and every migration on first start. The build makes it (`scripts/build.mjs`,
 * step `pglite-template`, into `dist/`); `openConfiguredDatabase` loads it into a new data folder.
 *
 * Its file name carries a hash of what shapes it (the migrations and the PGlite version), so a
 * template of other migrations is never loaded; a folder started from it is migrated as usual
 * afterwards (nothing to do), and the reference data is seeded as on every start (what a newer
 * build adds arrives then).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CREATING_MARKER, openDatabase } from './client';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate';

const PREFIX = 'pglite-template-';

/** The package's `dist/` folder, beside the shipped `drizzle/` folder. */
const distFolder = () => join(dirname(MIGRATIONS_FOLDER), 'dist');

/** The hash of the migrations (journal and SQL) and the PGlite version. */
export function templateHash(): string {
  const h = createHash('sha256');
  const files = ['meta/_journal.json', ...readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort()];
  for (const f of files) h.update(f).update(readFileSync(join(MIGRATIONS_FOLDER, f)));
  return h.update(`pglite ${pgliteVersion()}`).digest('hex').slice(0, 16);
}

/** The installed PGlite's version (its package.json, found above its entry module: the package exports no such path). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite') return String(pkg.version);
  }
  throw new Error('the version of @electric-sql/pglite was not found');
}

/** Where the template of this build's migrations is (or would be). */
export const templatePath = (dir = distFolder()) => join(dir, `${PREFIX}${templateHash()}.tar.gz`);

/** The template file of this build's migrations, when the build made it. */
export function templateFile(): string | undefined {
  const path = templatePath();
  return existsSync(path) ? path : undefined;
}

/** A data folder that holds no database yet, or one whose creation was cut short (src/db/client.ts). */
export const isNewDataFolder = (folder: string) => !existsSync(join(folder, 'PG_VERSION')) || existsSync(join(folder, CREATING_MARKER));

/**
 * Creates the template: a new in-memory PGlite, migrated, dumped (gzip) to `templatePath(dir)`
 * (written to a temporary name, then renamed); templates of other hashes in `dir` are removed.
 */
export async function makeTemplate(dir = distFolder()): Promise<string> {
  const path = templatePath(dir);
  const database = await openDatabase({});
  try {
    await migrateDatabase(database);
    const dump = await database.lite!.dumpDataDir('gzip');
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, path);
  } finally {
    await database.close();
  }
  for (const f of readdirSync(dir)) {
    if (f.startsWith(PREFIX) && join(dir, f) !== path) {
      try { unlinkSync(join(dir, f)); } catch { /* another build removed it */ }
    }
  }
  return path;
}
