/**
 * `writeScenarioOutput` writes exactly `JSON.stringify(formatScenarioOutput(out), null, 2)` and a
 * newline as UTF-8, in pieces of at most 64 KiB of whole characters, from either result form (`routeOrders`,
 * `routeOrdersView`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatScenarioOutput,
  parseScenario,
  routeOrders,
  routeOrdersView,
  writeScenarioOutput,
  type RouteInput,
} from '../../../src/domain/routing/index';
import { mulberry32 } from '../../../src/domain/prng';
import { resolveCoordinates } from '../../../src/geo/zip';

const dir = join(import.meta.dirname, '../../fixtures/routing');

function written(input: RouteInput, view: boolean): { text: string; pieces: string[]; bytes: number[] } {
  const pieces: string[] = [];
  const bytes: number[] = [];
  writeScenarioOutput(view ? routeOrdersView(input) : routeOrders(input), (b) => {
    bytes.push(b.length);
    // fatal: a piece that is not whole UTF-8 throws
    pieces.push(new TextDecoder('utf-8', { fatal: true }).decode(b));
  });
  return { text: pieces.join(''), pieces, bytes };
}

function expected(input: RouteInput): string {
  return `${JSON.stringify(formatScenarioOutput(routeOrders(input)), null, 2)}\n`;
}

/** A run with many stock rows (several pieces), created products, exceptions and splits. */
function bigInput(ids: (i: number) => string): RouteInput {
  const r = mulberry32(5);
  const facilities = Array.from({ length: 40 }, (_, i) => ({
    id: ids(i),
    type: 'WAREHOUSE' as const,
    ranking: 1 + (i % 4),
    country: 'US',
    latitude: 35 + r() * 8,
    longitude: -100 + r() * 20,
  }));
  const inventory = [];
  for (let p = 0; p < 300; p++) {
    for (const f of facilities) if (r() < 0.3) inventory.push({ productId: `P${p}`, facilityId: f.id, available: Math.floor(r() * 4) });
  }
  const orders = Array.from({ length: 400 }, (_, o) => ({
    id: `O${o}`,
    shipTo: { country: 'US', latitude: 35 + r() * 8, longitude: -100 + r() * 20 },
    items: Array.from({ length: 1 + (o % 4) }, (_, i) => ({ seq: String(i + 1), productId: `P${Math.floor(r() * 320)}`, quantity: 1 + (i % 3) })),
  }));
  return { settings: { allowSplitFulfillment: true, shipFromClosestLocation: true }, facilities, products: [], inventory, orders };
}

describe('writeScenarioOutput', () => {
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it.each(fixtures)('%s: the text of JSON.stringify(…, null, 2)', (name) => {
    const parsed = parseScenario(JSON.parse(readFileSync(join(dir, name), 'utf8')).scenario);
    if (!parsed.ok) throw new Error(parsed.message);
    const input = resolveCoordinates(parsed.scenario);
    expect(written(input, false).text).toBe(expected(input));
    expect(written(input, true).text).toBe(expected(input));
  });

  it('writes a large result in pieces of at most 64 KiB, created products and all', () => {
    const input = bigInput((i) => `F${i}`);
    const { text, bytes } = written(input, true);
    expect(text).toBe(expected(input));
    expect(routeOrders(input).createdProducts.length).toBeGreaterThan(0);
    expect(bytes.length).toBeGreaterThan(5);
    for (const n of bytes) expect(n).toBeLessThanOrEqual(65536);
  });

  it('escapes ids as JSON does and never splits a character between pieces', () => {
    const odd = ['é"\\', '日本', 'emoji 🚚', 'tab\t', 'ctl\u0001', '\u2028'];
    const input = bigInput((i) => `${odd[i % odd.length]}${i}`);
    // each piece is whole UTF-8 (written() decodes every piece on its own, fatally)
    expect(written(input, true).text).toBe(expected(input));
  });

  it('writes an id longer than a piece on its own', () => {
    const long = 'L'.repeat(70000);
    const input: RouteInput = {
      facilities: [{ id: long, type: 'WAREHOUSE', ranking: 1, country: 'US' }],
      products: [],
      inventory: [{ productId: 'P', facilityId: long, available: 2 }],
      orders: [{ id: 'O', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'P', quantity: 1 }] }],
    };
    expect(written(input, true).text).toBe(expected(input));
  });

  it('writes every number of the stock left as JSON.stringify does', () => {
    const values = [0, -0, 7, 9, 10, 99, 100, 123456789, 2 ** 31, 2 ** 53 - 1, -5, 2 ** 53, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY];
    const inventory = Array.from({ length: 30000 }, (_, i) => ({ productId: `P${i >> 2}`, facilityId: `F${i % 7}`, available: values[i % values.length] }));
    const pieces: string[] = [];
    writeScenarioOutput({ orders: [], createdProducts: [], inventory }, (b) => pieces.push(new TextDecoder('utf-8', { fatal: true }).decode(b)));
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(`${JSON.stringify({ orders: [], createdProducts: [], inventory }, null, 2)}\n`);
  });

  it('writes empty lists as []', () => {
    const input: RouteInput = { facilities: [], products: [], inventory: [], orders: [] };
    expect(written(input, true).text).toBe('{\n  "orders": [],\n  "createdProducts": [],\n  "inventory": []\n}\n');
    expect(written(input, true).text).toBe(expected(input));
  });
});

describe('routing a parsed scenario with the numbering parseScenario found (RouteInput.index)', () => {
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const withAndWithout = (scenario: unknown) => {
    const parsed = parseScenario(scenario);
    if (!parsed.ok) throw new Error(parsed.message);
    const input = resolveCoordinates(parsed.scenario);
    expect(input.index).toBeDefined();
    return { used: routeOrders(input), fresh: routeOrders({ ...input, index: undefined }) };
  };

  it.each(fixtures)('%s: the same result as without it', (name) => {
    const { used, fresh } = withAndWithout(JSON.parse(readFileSync(join(dir, name), 'utf8')).scenario);
    expect(used).toEqual(fresh);
  });

  it('the same result on a large run with stock-only and auto-created products, routed twice', () => {
    const scenario = JSON.parse(JSON.stringify(bigInput((i) => `F${i}`)));
    scenario.products = Array.from({ length: 150 }, (_, p) => ({ id: `P${p * 2}`, hazmat: p % 9 === 0, warehouseId: p % 4 === 0 ? 'F3' : null }));
    const parsed = parseScenario(scenario);
    if (!parsed.ok) throw new Error(parsed.message);
    const input = resolveCoordinates(parsed.scenario);
    const fresh = routeOrders({ ...input, index: undefined });
    expect(fresh.createdProducts.length).toBeGreaterThan(0);
    expect(routeOrders(input)).toEqual(fresh);
    expect(routeOrders(input)).toEqual(fresh);
    expect(written(input, true).text).toBe(expected({ ...input, index: undefined }));
  });

  it('is not used for other arrays than those it was made for', () => {
    const parsed = parseScenario(JSON.parse(JSON.stringify(bigInput((i) => `F${i}`))));
    if (!parsed.ok) throw new Error(parsed.message);
    const input = resolveCoordinates(parsed.scenario);
    const rows = input.inventory.slice().reverse();
    expect(routeOrders({ ...input, inventory: rows })).toEqual(routeOrders({ ...input, inventory: rows, index: undefined }));
    input.inventory.pop();
    expect(routeOrders(input)).toEqual(routeOrders({ ...input, index: undefined }));
  });
});
