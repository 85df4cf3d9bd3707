/**
 * A deliberately naive second implementation of the contract's steps 4-8 (no hazmat, samples,
 * one-item-per-order, filters other than rejections and daily order limits): full sort of all
 * candidates per order, brute force over every pair and triple. Safety stock (DECISIONS.md:
 * the row's value, else the facility's; routing never takes stock below it) and daily order
 * limits (a facility at its limit is no candidate; an order with shipments counts one at each
 * facility it ships from) follow the engine's documented decisions. Used only to cross-check
 * the engine on random instances.
 */
import { distanceMetres } from '../../../src/domain/routing/geo';
import type { Facility, Order, RoutingSettings, StockRow } from '../../../src/domain/routing/types';

export interface RefShipment {
  facilityId: string;
  backordered: boolean;
  items: { seq: string; quantity: number }[];
}
export interface RefResult {
  id: string;
  status: string;
  shipments: RefShipment[];
  queued: { seq: string; quantity: number }[];
}

type S = Pick<RoutingSettings, 'shipFromClosestLocation' | 'allowSplitFulfillment' | 'routeToHighestPriorityWarehouse' | 'setOrderStatusToException'>;

export function referenceRoute(settings: S, facilities: Facility[], inventory: StockRow[], orders: Order[]) {
  const stock = new Map<string, number>();
  const safety = new Map<string, number>();
  const key = (p: string, f: string) => `${p}|${f}`;
  const facById = new Map(facilities.map((f) => [f.id, f]));
  for (const r of inventory) {
    stock.set(key(r.productId, r.facilityId), r.available);
    safety.set(key(r.productId, r.facilityId), r.safetyStock ?? facById.get(r.facilityId)?.safetyStock ?? 0);
  }
  /** Usable units: available minus safety stock, never below zero. */
  const get = (p: string, f: string) => Math.max(0, (stock.get(key(p, f)) ?? 0) - (safety.get(key(p, f)) ?? 0));
  const today = new Map(facilities.map((f) => [f.id, f.ordersToday ?? 0]));
  const atLimit = (f: Facility) => f.dailyOrderLimit != null && (today.get(f.id) as number) >= f.dailyOrderLimit;
  const results: RefResult[] = [];
  for (const o of orders) {
    const rejected = new Set(o.items.flatMap((i) => i.rejectedFacilityIds ?? []));
    const st = o.shipTo;
    const placed = st.latitude != null && st.longitude != null;
    const closest = settings.shipFromClosestLocation && placed;
    const dist = (f: Facility) =>
      f.latitude == null || !placed ? Infinity : distanceMetres(st.latitude as number, st.longitude as number, f.latitude, f.longitude as number);
    const byRank = (a: Facility, b: Facility) => a.ranking - b.ranking || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const cands = facilities
      .filter((f) => f.active !== false && f.type !== 'VIRTUAL' && !rejected.has(f.id) && !atLimit(f))
      .sort((a, b) => {
        if (closest) {
          const d = dist(a) - dist(b);
          if (dist(a) !== dist(b)) return d;
        }
        return byRank(a, b);
      });
    if (cands.length === 0) {
      results.push({ id: o.id, status: 'EXCEPTION', shipments: [], queued: [] });
      continue;
    }
    const snapshot = new Map(stock);
    const lines = o.items.map((i) => ({ seq: i.seq, p: i.productId, q: i.quantity }));
    const need = new Map<string, number>();
    for (const l of lines) need.set(l.p, (need.get(l.p) ?? 0) + l.q);
    const ships: { f: string; pos: number; back: boolean; items: { seq: string; quantity: number }[] }[] = [];
    const pos = new Map(cands.map((f, i) => [f.id, i]));
    const add = (f: string, seq: string, q: number, back = false) => {
      let s = ships.find((x) => x.f === f && x.back === back);
      if (!s) ships.push((s = { f, pos: pos.get(f) as number, back, items: [] }));
      s.items.push({ seq, quantity: q });
    };
    const take = (p: string, f: string, q: number) => {
      const t = Math.min(q, get(p, f));
      stock.set(key(p, f), (stock.get(key(p, f)) ?? 0) - t);
      return t;
    };
    const covers = (set: Facility[]) => [...need].every(([p, q]) => set.reduce((a, f) => a + get(p, f.id), 0) >= q);
    let short = lines.map(() => 0);
    const single = cands.find((f) => covers([f]));
    if (single) {
      for (const l of lines) {
        take(l.p, single.id, l.q);
        add(single.id, l.seq, l.q);
      }
    } else if (!settings.allowSplitFulfillment) {
      short = lines.map((l) => l.q);
    } else {
      const relevant = cands.filter((f) => [...need.keys()].some((p) => get(p, f.id) > 0));
      const cost = (f: Facility) => (closest ? (dist(f) === Infinity ? 1e9 : dist(f)) : f.ranking);
      let best: Facility[] | null = null;
      let bestCost = Infinity;
      const consider = (set: Facility[]) => {
        if (!covers(set)) return;
        const sorted = [...set].sort((a, b) => (pos.get(a.id) as number) - (pos.get(b.id) as number));
        const c = sorted.reduce((a, f) => a + cost(f), 0);
        const lex = (x: Facility[], y: Facility[]) => {
          for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (pos.get(x[i].id) as number) - (pos.get(y[i].id) as number);
          return 0;
        };
        if (c < bestCost || (c === bestCost && best !== null && lex(sorted, best) < 0)) {
          best = sorted;
          bestCost = c;
        }
      };
      const n = relevant.length;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) consider([relevant[i], relevant[j]]);
      if (best === null) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) for (let k = j + 1; k < n; k++) consider([relevant[i], relevant[j], relevant[k]]);
      if (best !== null) {
        const set: Facility[] = best;
        for (const l of lines) {
          const whole = set.find((f) => get(l.p, f.id) >= l.q);
          if (whole) {
            take(l.p, whole.id, l.q);
            add(whole.id, l.seq, l.q);
            continue;
          }
          let rem = l.q;
          for (const f of set) {
            const t = take(l.p, f.id, rem);
            if (t > 0) add(f.id, l.seq, t);
            rem -= t;
          }
        }
      } else {
        const used: string[] = [];
        lines.forEach((l, li) => {
          const order = [...cands.filter((f) => used.includes(f.id)), ...cands.filter((f) => !used.includes(f.id))];
          const whole = order.find((f) => get(l.p, f.id) >= l.q);
          const mark = (f: string) => {
            if (!used.includes(f)) used.push(f);
          };
          if (whole) {
            take(l.p, whole.id, l.q);
            add(whole.id, l.seq, l.q);
            mark(whole.id);
            return;
          }
          let rem = l.q;
          for (const f of order) {
            const t = take(l.p, f.id, rem);
            if (t > 0) {
              add(f.id, l.seq, t);
              mark(f.id);
            }
            rem -= t;
          }
          short[li] = rem;
        });
      }
    }
    const queued: { seq: string; quantity: number }[] = [];
    if (short.some((x) => x > 0)) {
      if (settings.routeToHighestPriorityWarehouse) {
        const b = [...cands].sort(byRank)[0];
        lines.forEach((l, i) => {
          if (short[i] === 0) return;
          take(l.p, b.id, short[i]);
          add(b.id, l.seq, short[i], true);
        });
      } else if (settings.setOrderStatusToException || !settings.allowSplitFulfillment) {
        stock.clear();
        for (const [k, v] of snapshot) stock.set(k, v);
        const status = settings.setOrderStatusToException ? 'EXCEPTION' : 'QUEUED';
        results.push({ id: o.id, status, shipments: [], queued: status === 'QUEUED' ? lines.map((l) => ({ seq: l.seq, quantity: l.q })) : [] });
        continue;
      } else {
        lines.forEach((l, i) => {
          if (short[i] > 0) queued.push({ seq: l.seq, quantity: short[i] });
        });
      }
    }
    ships.sort((a, b) => (a.back !== b.back ? (a.back ? 1 : -1) : a.pos - b.pos));
    const shipments = ships.map((s) => ({ facilityId: s.f, backordered: s.back, items: s.items }));
    for (const f of new Set(shipments.map((x) => x.facilityId))) today.set(f, (today.get(f) as number) + 1);
    const status = queued.length === 0 ? 'ALLOCATED' : shipments.length > 0 ? 'PARTIALLY_ALLOCATED' : 'QUEUED';
    results.push({ id: o.id, status, shipments, queued });
  }
  return { results, stock };
}
