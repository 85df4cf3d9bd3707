/** A small seeded PRNG (mulberry32) and helpers, so demo data is the same for the same seed. */
import { mulberry32 } from '../../domain/prng';

export class Rng {
  private readonly draw: () => number;
  constructor(seed: number) {
    this.draw = mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** Whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  /** One of `items`, with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      if ((r -= w) < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(list: readonly T[]): T[] {
    const a = [...list];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

/**
 * Picks indexes 0..n-1 with a long-tail popularity (weight 1 / (rank + k)) in O(log n) per pick,
 * like real catalogs where a few items sell most.
 */
export class SkewedPicker {
  private readonly cumulative: number[];
  constructor(n: number, k = 8) {
    let s = 0;
    this.cumulative = Array.from({ length: n }, (_, i) => (s += 1 / (i + k)));
  }

  pick(rng: Rng): number {
    const c = this.cumulative;
    const r = rng.next() * c[c.length - 1];
    let lo = 0, hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > r) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
