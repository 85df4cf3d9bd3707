/**
 * Runs every hand-written scenario of test/fixtures/routing/*.json: the scenario is parsed,
 * placed (ZIP lookup), routed, and compared with the `expected` block written by hand next to
 * it (never produced by the engine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioOutput, parseScenario, routeOrders, type RouteOutput } from '../../../src/domain/routing/index';
import { resolveCoordinates } from '../../../src/geo/zip';

const dir = join(import.meta.dirname, '../../fixtures/routing');

interface Expected {
  orders: { id: string; status: string; shipments: unknown[]; queued: unknown[]; exception: string | null }[];
  inventory?: unknown[];
  createdProducts?: unknown[];
  decidedBy?: Record<string, string[]>;
  distanceKm?: Record<string, (number | null)[]>;
  warnings?: Record<string, string[]>;
  explain?: Record<string, string[]>;
}

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as { description: string; scenario: unknown; expected: Expected }) }));

function route(scenario: unknown): RouteOutput {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(parsed.message);
  return routeOrders(resolveCoordinates(parsed.scenario));
}

describe('routing scenarios (hand-written expectations)', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  for (const fx of fixtures) {
    describe(`${fx.file}: ${fx.description}`, () => {
      const exp = fx.expected;
      it('allocates as expected', () => {
        const out = formatScenarioOutput(route(fx.scenario));
        const got = out.orders.map((o) => ({
          id: o.id,
          status: o.status,
          shipments: o.shipments,
          queued: o.queued,
          exception: o.exception?.reason ?? null,
        }));
        expect(got).toEqual(exp.orders);
        for (const o of out.orders) {
          if (o.status === 'EXCEPTION') expect(o.exception?.message).toBeTruthy();
          expect(o.explanation.length).toBeGreaterThan(0);
        }
        if (exp.inventory) expect(out.inventory).toEqual(exp.inventory);
        if (exp.createdProducts) expect(out.createdProducts).toEqual(exp.createdProducts);
      });

      if (exp.decidedBy || exp.distanceKm || exp.warnings || exp.explain) {
        it('records the deciding rule, distances, warnings and explanations', () => {
          const out = route(fx.scenario);
          const byId = new Map(out.orders.map((o) => [o.id, o]));
          for (const [id, rules] of Object.entries(exp.decidedBy ?? {})) {
            expect(byId.get(id)?.shipments.map((s) => s.decidedBy)).toEqual(rules);
          }
          for (const [id, km] of Object.entries(exp.distanceKm ?? {})) {
            expect(byId.get(id)?.shipments.map((s) => s.distanceKm)).toEqual(km);
          }
          for (const [id, w] of Object.entries(exp.warnings ?? {})) expect(byId.get(id)?.warnings).toEqual(w);
          for (const [id, parts] of Object.entries(exp.explain ?? {})) {
            const text = byId.get(id)?.explanation.join('\n') ?? '';
            for (const p of parts) expect(text).toContain(p);
          }
        });
      }
    });
  }
});
