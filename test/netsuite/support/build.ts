/**
 * Compiles the SuiteScripts with `tsc -p netsuite/tsconfig.json` into a temp directory (never the
 * SDF out dir, which other people may be deploying from). The output is cached by a hash of the
 * sources, so the test files of one run compile once.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const NETSUITE_DIR = join(REPO_ROOT, 'netsuite');
export const TS_DIR = join(NETSUITE_DIR, 'ts');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The `.ts` sources, relative to netsuite/ts. */
export function sourceFiles(): string[] {
  return walk(TS_DIR).filter((p) => p.endsWith('.ts')).map((p) => relative(TS_DIR, p));
}

let built: string | undefined;

/** Directory holding the emitted AMD JavaScript (same layout as netsuite/ts). */
export function buildNetsuite(): string {
  if (built) return built;
  const h = createHash('sha256');
  for (const p of [join(NETSUITE_DIR, 'tsconfig.json'), ...sourceFiles().map((f) => join(TS_DIR, f))]) {
    h.update(relative(NETSUITE_DIR, p)).update('\0').update(readFileSync(p)).update('\0');
  }
  const out = join(tmpdir(), `oms-netsuite-build-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(join(out, '.complete'))) return (built = out);

  const tmp = mkdtempSync(join(tmpdir(), 'oms-netsuite-tmp-'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(NETSUITE_DIR, 'tsconfig.json'), '--outDir', tmp], { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`tsc -p netsuite/tsconfig.json failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  writeFileSync(join(tmp, '.complete'), new Date().toISOString());
  try {
    renameSync(tmp, out);
  } catch {
    // Another worker finished first: use its output.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(out, '.complete'))) throw new Error(`could not publish the build to ${out}`);
  }
  return (built = out);
}
