import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRouteScenario } from '../../../src/cli/route-scenario';

const utf8 = new TextDecoder();

const dir = mkdtempSync(join(tmpdir(), 'route-scenario-'));
const fixture = join(import.meta.dirname, '../../fixtures/routing/00-contract-example.json');

async function run(path: string) {
  let stdout = '';
  let stderr = '';
  const code = await runRouteScenario(path, { stdout: (s) => (stdout += typeof s === 'string' ? s : utf8.decode(s)), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('runRouteScenario', () => {
  it('prints the contract output with exit status 0', async () => {
    const scenario = JSON.parse(readFileSync(fixture, 'utf8')).scenario;
    const r = await run(file('ok.json', JSON.stringify(scenario)));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(r.stdout).toBe(`${JSON.stringify(out, null, 2)}\n`);
    expect(Object.keys(out)).toEqual(['orders', 'createdProducts', 'inventory']);
    expect(Object.keys(out.orders[0])).toEqual(['id', 'status', 'shipments', 'queued', 'exception', 'warnings', 'explanation']);
    expect(out.orders[0].shipments).toEqual([{ facilityId: 'WH_NJ', carrier: null, backordered: false, items: [{ seq: '00001', quantity: 2 }] }]);
    expect(out.orders[0].status).toBe('ALLOCATED');
    expect(out.createdProducts).toEqual([]);
    expect(out.inventory).toEqual([{ productId: 'SKU1', facilityId: 'WH_NJ', available: 8 }]);
    expect(out.orders[0].explanation.some((l: string) => l.includes('WH_NJ'))).toBe(true);
  });

  it('places a ship-to by ZIP before routing', async () => {
    const scenario = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/routing/06-shipto-by-zip.json'), 'utf8')).scenario;
    const r = await run(file('zip.json', JSON.stringify(scenario)));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).orders[0].shipments[0].facilityId).toBe('NJ');
  });

  it('exits 2 on a missing file, nothing on stdout', async () => {
    const r = await run(join(dir, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cannot read .*nope\.json: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on unreadable JSON', async () => {
    const r = await run(file('bad.json', '{"settings": '));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('not valid JSON');
  });

  it('exits 2 naming the field on bad input', async () => {
    const scenario = JSON.parse(readFileSync(fixture, 'utf8')).scenario;
    scenario.orders[0].items[0].quantity = 1.5;
    const r = await run(file('qty.json', JSON.stringify(scenario)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${join(dir, 'qty.json')}: orders[0].items[0].quantity: must be a positive integer\n`);
  });

  it('exits 2 naming every conflicting pair', async () => {
    const scenario = JSON.parse(readFileSync(fixture, 'utf8')).scenario;
    scenario.settings = { allowSplitFulfillment: true, noSplitOrder: true, sampleProductsCannotBeSplit: true };
    const r = await run(file('conflict.json', JSON.stringify(scenario)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('allowSplitFulfillment with noSplitOrder');
    expect(r.stderr).toContain('allowSplitFulfillment with sampleProductsCannotBeSplit');
  });
});
