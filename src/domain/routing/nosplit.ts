/**
 * `noSplitOrder`: every shipment of the order comes from one facility that is a candidate for
 * every group. Groups stay separate shipments at that facility.
 */
import { OrderAllocation, demandOf, type Group, type Line } from './allocate';
import { bestRanked, intersect } from './candidates';
import { slotAt, usable, type CandidateSet } from './context';
import { findSingle } from './search';
import { reportKm } from './ordering';

/** How a noSplitOrder order ended (the caller builds the result and rolls back if needed). */
export type NoSplitOutcome =
  | { kind: 'ALLOCATED' }
  | { kind: 'QUEUED' }
  | { kind: 'NO_ELIGIBLE_FACILITY' | 'INSUFFICIENT_STOCK'; message: string };

/** Steps 6-8 under noSplitOrder (the caller rolls back on anything but ALLOCATED). */
export function routeNoSplit(
  a: OrderAllocation,
  groups: readonly Group[],
  cands: readonly CandidateSet[],
  explanation: string[],
): NoSplitOutcome {
  const { ctx, stock, o } = a;
  const s = ctx.settings;
  const q = cands.every((c) => c === cands[0]) ? cands[0] : intersect(ctx, stock, cands);
  if (q.count === 0) {
    return { kind: 'NO_ELIGIBLE_FACILITY', message: 'no facility is a candidate for every group of the order (noSplitOrder)' };
  }
  if (groups.length > 1) explanation.push(`noSplitOrder: ${q.count} facilities are candidates for every group`);
  const all: Line[] = groups.flatMap((g) => [...g.lines]);
  const f = findSingle(ctx, stock, o, q, demandOf(all));
  if (f >= 0) {
    for (const g of groups) {
      a.beginGroup(g.carrier);
      for (const l of g.lines) {
        a.take(l.p, f, l.qty);
        a.add(f, l.seq, l.qty, 'SINGLE_FACILITY');
      }
    }
    const km = reportKm(ctx, o, f);
    const why = o.closest ? (km === null ? 'no coordinates' : `${km} km`) : `ranking ${ctx.ranking[f]}`;
    explanation.push(
      `noSplitOrder: ${ctx.facId[f]} takes every group (SINGLE_FACILITY): first qualifying facility in ` +
        `${o.closest ? 'closest-location' : 'ranking'} order holding the whole order (${why})`,
    );
    return { kind: 'ALLOCATED' };
  }
  if (s.routeToHighestPriorityWarehouse) {
    const b = bestRanked(ctx, stock, q);
    const back: string[] = [];
    for (const g of groups) {
      a.beginGroup(g.carrier);
      const covered = covers(a, g.lines, b);
      for (const l of g.lines) {
        a.take(l.p, b, l.qty);
        a.add(b, l.seq, l.qty, 'HIGHEST_PRIORITY_BACKORDER', !covered);
      }
      if (!covered) back.push(g.label === '' ? 'the order' : g.label);
    }
    explanation.push(
      'noSplitOrder: no qualifying facility holds the whole order; ' +
        `routeToHighestPriorityWarehouse: every group goes to ${ctx.facId[b]} (best-ranked qualifying facility, ranking ${ctx.ranking[b]})` +
        (back.length > 0 ? `; backordered: ${back.join('; ')}` : ''),
    );
    return { kind: 'ALLOCATED' };
  }
  if (s.setOrderStatusToException) {
    return { kind: 'INSUFFICIENT_STOCK', message: 'no qualifying facility holds the whole order (noSplitOrder)' };
  }
  explanation.push('noSplitOrder: no qualifying facility holds the whole order; the whole order stays QUEUED');
  return { kind: 'QUEUED' };
}

/** True when facility f's usable stock covers every line of the group (line by line). */
function covers(a: OrderAllocation, lines: readonly Line[], f: number): boolean {
  const need = demandOf(lines);
  for (let k = 0; k < need.p.length; k++) {
    const s = slotAt(a.ctx, a.stock, need.p[k], f);
    if (s < 0 || usable(a.stock, s) < need.q[k]) return false;
  }
  return true;
}
