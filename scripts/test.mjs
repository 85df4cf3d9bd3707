// Runs the whole test suite with vitest and ends with a plain "N passed, N failed, N skipped" line
// (tests, not suites; see test-summary.mjs), which CI reads. Extra arguments are passed through to
// vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { summarize, closingLine } from './test-summary.mjs';

const out = '.vitest-results.json';
rmSync(out, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env: process.env });
let s = { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
if (existsSync(out)) s = summarize(JSON.parse(readFileSync(out, 'utf8')));
else if (r.status !== 0) s.brokenFiles = [{ name: '(vitest wrote no report)', message: `exit status ${r.status}` }];
for (const f of s.brokenFiles) console.log(`failed outside any test: ${f.name}${f.message ? `: ${f.message.split('\n')[0]}` : ''}`);
console.log(`\n${closingLine(s)}`);
const ok = r.status === 0 && s.failed === 0 && s.brokenFiles.length === 0 && s.passed > 0;
process.exit(ok ? 0 : 1);
