/**
 * String -> non-negative integer map for large id sets (products of a catalogue): open
 * addressing over an Int32Array of entry numbers, keys and values in flat arrays, so building it
 * allocates nothing per entry and never rehashes when sized for what it will hold. Grows (by
 * doubling) past half full.
 */
export class StringIndex {
  private table: Int32Array;
  private mask: number;
  private keys: string[];
  private values: number[];
  private n = 0;

  /** `expected`: how many keys it will likely hold. */
  constructor(expected = 16) {
    let bits = 4;
    while (1 << bits < expected * 2) bits++;
    this.table = new Int32Array(1 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.keys = new Array<string>(expected);
    this.values = new Array<number>(expected);
  }

  get size(): number {
    return this.n;
  }

  /** The key stored e-th (keys are numbered in the order they were added). */
  keyAt(e: number): string {
    return this.keys[e];
  }

  /** An independent copy. */
  clone(): StringIndex {
    const c = new StringIndex(0);
    c.table = this.table.slice();
    c.mask = this.mask;
    c.keys = this.keys.slice(0, this.n);
    c.values = this.values.slice(0, this.n);
    c.n = this.n;
    return c;
  }

  /** The value stored for key, or -1. */
  get(key: string): number {
    const t = this.table;
    const keys = this.keys;
    for (let j = hash(key) & this.mask; ; j = (j + 1) & this.mask) {
      const e = t[j];
      if (e === -1) return -1;
      if (keys[e] === key) return this.values[e];
    }
  }

  /** Stores key -> value (value >= 0; overwrites). */
  set(key: string, value: number): void {
    const e = this.entry(key, value);
    if (e >= 0) this.values[e] = value;
  }

  /** The value stored for key; when there is none, stores value and returns -1 (one lookup). */
  getOrAdd(key: string, value: number): number {
    const e = this.entry(key, value);
    return e >= 0 ? this.values[e] : -1;
  }

  /** The entry of key, or -1 after adding key -> value. */
  private entry(key: string, value: number): number {
    const t = this.table;
    for (let j = hash(key) & this.mask; ; j = (j + 1) & this.mask) {
      const e = t[j];
      if (e === -1) {
        t[j] = this.n;
        this.keys[this.n] = key;
        this.values[this.n++] = value;
        if (this.n * 2 > t.length) this.grow();
        return -1;
      }
      if (this.keys[e] === key) return e;
    }
  }

  private grow(): void {
    const t = new Int32Array(this.table.length * 2).fill(-1);
    const mask = t.length - 1;
    for (let e = 0; e < this.n; e++) {
      let j = hash(this.keys[e]) & mask;
      while (t[j] !== -1) j = (j + 1) & mask;
      t[j] = e;
    }
    this.table = t;
    this.mask = mask;
  }
}

/** FNV-1a over the UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}
