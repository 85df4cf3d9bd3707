/** `oms jobs run` as a user runs it: exit 0 completed, 2 bad input (naming the param), 3 skipped with the reason on stderr. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';

const dir = mkdtempSync(join(tmpdir(), 'oms-jobs-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const oms = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/oms.js', ...args], { env: { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

beforeAll(ensureBuilt, 120_000); // bin/oms.js runs the build in dist/

describe('oms jobs run', { timeout: 300_000 }, () => {
  it('exit codes: completed 0, bad or unknown param 2, skipped 3 with the reason on stderr', () => {
    const ok = oms(['jobs', 'run', 'BROKERING_RUN', '--param', 'batchSize=50']);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ kind: 'completed', run: { status: 'COMPLETED', trigger: 'cli', actor: 'cli' } });

    const bad = oms(['jobs', 'run', 'BROKERING_RUN', '--param', 'batchSize=0']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toMatch(/^oms: params\.batchSize: /);
    const unknown = oms(['jobs', 'run', 'GEN_BRKR_ORD_FD_NS', '--param', 'maxRowsPerFile=100', '--param', 'maxRows=5']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('params.maxRows: unknown param of job GEN_BRKR_ORD_FD_NS (accepted: maxRowsPerFile, maxFiles, claimLanes)');

    expect(oms(['jobs', 'pause', 'BROKERING_RUN']).code).toBe(0);
    const skipped = oms(['jobs', 'run', 'BROKERING_RUN']);
    expect(skipped.code).toBe(3);
    expect(skipped.err).toContain('oms: skipped (disabled): job BROKERING_RUN is disabled');
    expect(JSON.parse(skipped.out)).toMatchObject({ kind: 'skipped', run: { status: 'SKIPPED', trigger: 'cli', actor: 'cli' } });
  });
});
