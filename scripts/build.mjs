// The build: TypeScript compiled ahead of time into dist/ (what `bin/oms.js` and `npm start` run).
//
//   node scripts/build.mjs              build every step
//   node scripts/build.mjs --if-stale   build only the steps whose inputs changed since their last build
//
// `npm install` builds (the `prepare` script), `npm start` rebuilds what is stale (`prestart`), and
// so does the test run (test/support/global-setup.ts: the server serves the built web app; the tests
// that run bin/oms.js use the built CLI), so the README's two commands stay two. Each step is one
// entry of STEPS with its own inputs and stamp: the server, the web app (web/, Vite), then the
// migrated PGlite template a new embedded database is loaded from (instead of initdb and migrations).
//
// The server step bundles src/cli/main.ts with esbuild (ESM, code splitting, node_modules left as
// imports but for zod and commander), so each command loads its own chunks (`oms --help` loads commander only). Files are
// written to a temporary name and renamed (a process starting meanwhile never reads half a file),
// chunks first and the entry last; chunks of earlier builds are kept a while, because a running
// server still loads its lazy chunks by their old names.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
/** Chunks no build wrote for this long are deleted. */
const KEEP_OLD_CHUNKS_MS = 60 * 60 * 1000;

/** Files every step depends on besides its own inputs. */
const COMMON_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/**
 * A step builds and returns the hash of every file it read (path relative to the root → sha256),
 * taken from the very bytes it compiled: a file edited during the build leaves the step stale.
 */
export const STEPS = [
  { name: 'server', stamp: join(DIST, '.build-server.json'), run: buildServer },
  { name: 'web', stamp: join(DIST, '.build-web.json'), run: buildWeb },
  { name: 'pglite-template', stamp: join(DIST, '.build-pglite-template.json'), run: buildPgliteTemplate },
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** An esbuild plugin that reads the source files itself, so their hashes are those of what was compiled. */
function hashingInputs(hashes) {
  const loaders = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };
  return {
    name: 'hash-inputs',
    setup(b) {
      b.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, async (args) => {
        const contents = await readFile(args.path);
        hashes[relative(ROOT, args.path)] = sha256(contents);
        return { contents, loader: loaders[args.path.slice(args.path.lastIndexOf('.'))] };
      });
    },
  };
}

/**
 * Packages bundled into the chunks instead of left as imports: pure JavaScript without
 * dependencies, on the path of every command, whose dozens of ES modules each cost a resolve and
 * a load at start (zod alone: ~130 ms on a 2-core machine; bundled ~50 ms; commander ~30 ms). zod's `instanceof`
 * checks go by traits and its global registry lives on `globalThis`, so the copy bundled here and
 * the one fastify-type-provider-zod imports work on the same schemas.
 */
const BUNDLED_PACKAGES = ['zod', 'commander'];

/** Leaves every package an import (as esbuild's `packages: 'external'` does) but BUNDLED_PACKAGES. */
function externalPackagesBut(bundled) {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split('/');
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        return bundled.includes(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/** Bundles the CLI (and through it the server, jobs and every command) into dist/cli/main.js and dist/chunks/. */
async function buildServer() {
  const esbuild = await import('esbuild');
  const hashes = {};
  const result = await esbuild.build({
    plugins: [externalPackagesBut(BUNDLED_PACKAGES), hashingInputs(hashes)],
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/main.ts', 'src/db/pglite-template.ts'],
    outbase: 'src',
    outdir: DIST,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // commander is CommonJS: its require() of node built-ins needs a require in the ES module
    banner: { js: "import { createRequire as __omsRequire } from 'node:module'; const require = __omsRequire(import.meta.url);" },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  writeOutputs(result.outputFiles, join(DIST, 'chunks'));
  writeAtomically(join(DIST, 'meta.json'), JSON.stringify(result.metafile));
  return hashes;
}

/** The files of a folder, recursively (paths relative to the root), in name order. */
function filesUnder(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Builds the web app (web/, Vue + Vite: `npm run build:web` is the same build) into dist/web/: into
 * a new folder first, which then takes the place of the old one (a running server never serves half
 * a build). The inputs are hashed before Vite reads them: a file edited meanwhile leaves the step stale.
 */
async function buildWeb() {
  const hashes = Object.fromEntries(filesUnder('web').map((f) => [f, sha256(readFileSync(join(ROOT, f)))]));
  const { build: vite } = await import('vite');
  const out = join(DIST, 'web');
  const next = `${out}.tmp-${process.pid}`;
  const old = `${out}.old-${process.pid}`;
  await vite({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: next, emptyOutDir: true } });
  try { renameSync(out, old); } catch { /* first build, or another build moved it */ }
  try {
    renameSync(next, out);
  } catch (e) {
    // Another build of the same inputs placed its output in between: that one stays.
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return hashes;
}

/**
 * The migrated PGlite template a new embedded database starts from (src/db/pglite-template.ts):
 * made by the built module, named by the hash of the migrations and the PGlite version, so it is
 * made again only when those change (or the file is gone).
 */
async function buildPgliteTemplate() {
  const mod = await import(pathToFileURL(join(DIST, 'db', 'pglite-template.js')).href);
  let path = mod.templatePath();
  try { statSync(path); } catch { path = await mod.makeTemplate(); }
  const inputs = filesUnder('drizzle');
  return Object.fromEntries([...inputs, relative(ROOT, path)].map((f) => [f, sha256(readFileSync(join(ROOT, f)))]));
}

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Chunks (and maps) first, the entry points last; then chunks nobody wrote for a while go. */
function writeOutputs(files, chunkDir) {
  const isChunk = (p) => p.startsWith(chunkDir + '/');
  const ordered = [...files.filter((f) => isChunk(f.path)), ...files.filter((f) => !isChunk(f.path))];
  for (const f of ordered) writeAtomically(f.path, f.contents);
  const written = new Set(files.map((f) => f.path));
  const now = Date.now();
  let names = [];
  try { names = readdirSync(chunkDir); } catch { /* no chunks */ }
  for (const name of names) {
    const p = join(chunkDir, name);
    if (written.has(p)) continue;
    try {
      if (now - statSync(p).mtimeMs > KEEP_OLD_CHUNKS_MS) unlinkSync(p);
    } catch { /* another build removed it */ }
  }
}

const hashFile = (f) => {
  try { return sha256(readFileSync(join(ROOT, f))); } catch { return '(missing)'; }
};

/** The common inputs' hashes, taken before a step runs (one edited meanwhile leaves the step stale). */
const commonHashes = () => Object.fromEntries(COMMON_INPUTS.map((f) => [f, hashFile(f)]));

/** True when the step never built, or a file its last build read (or a common input) changed since. */
function isStale(step) {
  let stamp;
  try { stamp = JSON.parse(readFileSync(step.stamp, 'utf8')); } catch { return true; }
  if (!stamp?.files || !stamp.common) return true;
  const common = commonHashes();
  if (COMMON_INPUTS.some((f) => common[f] !== stamp.common[f])) return true;
  return Object.entries(stamp.files).some(([f, hash]) => hashFile(f) !== hash);
}

/** Builds the steps (only the stale ones with `ifStale`); returns the names of those built. */
export async function build({ ifStale = false, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const built = [];
  for (const step of STEPS) {
    if (ifStale && !isStale(step)) continue;
    const started = performance.now();
    const common = commonHashes();
    const files = await step.run();
    writeAtomically(step.stamp, JSON.stringify({ common, files }, null, 1));
    log(`build: ${step.name} in ${Math.round(performance.now() - started)} ms`);
    built.push(step.name);
  }
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await build({ ifStale: process.argv.includes('--if-stale') });
}
