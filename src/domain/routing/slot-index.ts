/**
 * Open-addressing hash from a non-negative integer key (product * F + facility) to a stock slot,
 * key and value side by side (one cache line per probe). Falls back to a Map when keys do not
 * fit in 31 bits.
 */
export class SlotIndex {
  private readonly table: Int32Array;
  private readonly shift: number;
  private readonly mask: number;
  private readonly map: Map<number, number> | null;

  /** `expected`: number of keys; `keySpace`: exclusive upper bound of the keys. */
  constructor(expected: number, keySpace: number) {
    let bits = 4;
    while (1 << bits < expected * 2) bits++;
    this.map = keySpace > 0x7fffffff ? new Map() : null;
    this.table = new Int32Array(this.map === null ? 2 << bits : 0).fill(-1);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  /** Stores key -> value (overwrites). */
  set(key: number, value: number): void {
    if (this.map !== null) {
      this.map.set(key, value);
      return;
    }
    const t = this.table;
    let j = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (t[2 * j] !== -1 && t[2 * j] !== key) j = (j + 1) & this.mask;
    t[2 * j] = key;
    t[2 * j + 1] = value;
  }

  /** The value stored for key, or -1. */
  get(key: number): number {
    if (this.map !== null) return this.map.get(key) ?? -1;
    const t = this.table;
    let j = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = t[2 * j];
      if (k === key) return t[2 * j + 1];
      if (k === -1) return -1;
      j = (j + 1) & this.mask;
    }
  }
}
