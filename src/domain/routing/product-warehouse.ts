/**
 * Contract step 2, `assignWarehouseByProduct`: every item goes to its product's warehouse,
 * ignoring stock; a shipment the warehouse cannot cover is backordered and stock is consumed
 * only down to zero. Only the hazmat carrier split still applies.
 */
import { OrderAllocation, type Line } from './allocate';
import type { RoutingContext, StockState } from './context';
import type { Ordering } from './ordering';
import { allocatedResult, exceptionResult, seqList } from './result';
import type { Order, OrderResult } from './types';

/** Routes an order by product warehouse (lines already resolved to products). */
export function routeByProduct(
  ctx: RoutingContext,
  stock: StockState,
  order: Order,
  lines: readonly Line[],
  o: Ordering,
  warnings: string[],
  explanation: string[],
): OrderResult {
  const reg = ctx.products;
  const problems: string[] = [];
  for (const l of lines) {
    const w = reg.warehouse[l.p];
    const what = `line ${l.seq} (${reg.id[l.p]})`;
    if (w === -1) problems.push(`${what}: product has no assigned warehouse`);
    else if (w < 0) problems.push(`${what}: assigned warehouse is not a known facility`);
    else {
      const fac = ctx.facilities[w];
      if (fac.active === false) problems.push(`${what}: warehouse ${fac.id} is inactive`);
      else if (fac.type === 'VIRTUAL') problems.push(`${what}: warehouse ${fac.id} is VIRTUAL`);
      else if (l.rejected.includes(w)) problems.push(`${what}: warehouse ${fac.id} rejected this item`);
    }
  }
  if (problems.length > 0) {
    return exceptionResult(order, 'NO_PRODUCT_WAREHOUSE', problems.join('; '), warnings, explanation);
  }
  explanation.push('assignWarehouseByProduct: each item goes to its product\'s warehouse, ignoring stock');
  const split = ctx.settings.preassignedCarrierSplitsOrder;
  const groups: { w: number; carrier: string | null; lines: Line[] }[] = [];
  for (const hazPass of split.enabled ? [false, true] : [null]) {
    for (const l of lines) {
      if (hazPass !== null && reg.hazmat[l.p] !== hazPass) continue;
      const w = reg.warehouse[l.p];
      const carrier = hazPass === true ? split.carrier : null;
      let g = groups.find((x) => x.w === w && x.carrier === carrier);
      if (g === undefined) groups.push((g = { w, carrier, lines: [] }));
      g.lines.push(l);
    }
  }
  const a = new OrderAllocation(ctx, stock, o);
  for (const g of groups) {
    a.beginGroup(g.carrier);
    const shortSeqs: string[] = [];
    for (const l of g.lines) if (a.take(l.p, g.w, l.qty) < l.qty) shortSeqs.push(l.seq);
    const backordered = shortSeqs.length > 0;
    for (const l of g.lines) a.add(g.w, l.seq, l.qty, 'PRODUCT_WAREHOUSE', backordered);
    const carrier = g.carrier !== null ? ` with hazmat carrier ${g.carrier}` : '';
    explanation.push(
      `${ctx.facId[g.w]} takes ${seqList(g.lines)}${carrier} (PRODUCT_WAREHOUSE)` +
        (backordered ? `; backordered: not enough stock for ${shortSeqs.join(', ')}` : ''),
    );
  }
  return allocatedResult(ctx, stock, order, a, [], warnings, explanation);
}
