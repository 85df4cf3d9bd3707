/** The `oms` command as a user runs it: real processes, exit codes, stdout and stderr. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';
import { loadConfig } from '../../src/config';

const dir = mkdtempSync(join(tmpdir(), 'oms-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const oms = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, ['bin/oms.js', ...args], { env: { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

beforeAll(ensureBuilt, 120_000); // bin/oms.js runs the build in dist/

describe('oms CLI', { timeout: 300_000 }, () => {
  it('imports orders: good file exit 0, bad rows reported with exit 2, second import creates nothing', () => {
    const good = oms(['import', 'orders', 'test/fixtures/import/orders.csv', '--approve']);
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(/created [1-9]\d*, existing 0, rejected rows 0/);
    const again = oms(['import', 'orders', 'test/fixtures/import/orders.csv']);
    expect(again.out).toMatch(/created 0, existing [1-9]/);
    const bad = oms(['import', 'orders', 'test/fixtures/import/bad-orders.csv']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^row \d+: \w+: /m);
    const missing = oms(['import', 'orders', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
  });

  it('shows an order, brokers, lists exceptions; unknown order exits 2', () => {
    const run = oms(['broker', 'run']);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ status: 'COMPLETED' });
    expect(JSON.parse(oms(['exceptions', 'list']).out)).toBeInstanceOf(Array);
    const none = oms(['orders', 'show', 'ORD-NOPE']);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toContain('order ORD-NOPE not found');
    const jobs = JSON.parse(oms(['jobs', 'list']).out);
    expect(jobs.map((j: { name: string }) => j.name)).toContain('BROKERING_RUN');
  });

  it('route: a scenario prints the result; bad input exits 2 with one message and nothing on stdout', () => {
    const scenario = join(dir, 's.json');
    writeFileSync(scenario, JSON.stringify({
      facilities: [{ id: 'W', type: 'WAREHOUSE', ranking: 1, country: 'US' }], products: [{ id: 'A' }],
      inventory: [{ productId: 'A', facilityId: 'W', available: 3 }],
      orders: [{ id: 'O1', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'A', quantity: 2 }] }],
    }));
    const ok = oms(['route', scenario]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).orders[0]).toMatchObject({ id: 'O1', status: 'ALLOCATED' });
    writeFileSync(scenario, JSON.stringify({ settings: { allowSplitFulfillment: true, noSplitOrder: true }, facilities: [], products: [], inventory: [], orders: [] }));
    const bad = oms(['route', scenario]);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain('allowSplitFulfillment');
    const settings = join(dir, 'settings.json');
    writeFileSync(settings, JSON.stringify({ allowSplitFulfillment: true, shipFromClosestLocation: true }));
    const whatIf = oms(['route', '--from-db', '--settings', settings]);
    expect(whatIf.code, whatIf.err).toBe(0);
    expect(JSON.parse(whatIf.out)).toHaveProperty('proposed.orders');
  });

  it('a bad environment variable stops with a message naming it', () => {
    const r = oms(['db', 'migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('PORT');
    expect(() => loadConfig({ FEED_TRANSPORT_URL: 'sftp://u@h/x' })).toThrow(/SFTP_HOST_KEY_SHA256/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({}).PORT).toBe(3000);
  });
});
