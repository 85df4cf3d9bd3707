/**
 * `oms route <fixture>` as the README writes it: every routing fixture file (a scenario wrapped as
 * `{ description, scenario, expected }`) is routed as it is, and prints what the fixture expects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRouteScenario } from '../../../src/cli/route-scenario';

const utf8 = new TextDecoder();

const dir = join(import.meta.dirname, '../../fixtures/routing');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('oms route on a fixture file', () => {
  it('finds the fixtures', () => { expect(fixtures.length).toBeGreaterThan(20); });

  it.each(fixtures)('%s routes as the fixture expects', async (name) => {
    let stdout = '';
    let stderr = '';
    const code = await runRouteScenario(join(dir, name), { stdout: (s) => (stdout += typeof s === 'string' ? s : utf8.decode(s)), stderr: (s) => (stderr += s) });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const fixture = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['orders', 'createdProducts', 'inventory']);
    // The fine comparison of each fixture is the engine tests' (scenarios.test.ts); here: the same orders, each in the expected status.
    const statuses = (orders: { id: string; status: string }[]) => orders.map((o) => `${o.id}:${o.status}`);
    expect(statuses(out.orders)).toEqual(statuses(fixture.expected.orders));
  });
});
