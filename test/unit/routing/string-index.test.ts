import { describe, expect, it } from 'vitest';
import { StringIndex } from '../../../src/domain/routing/string-index';

describe('StringIndex', () => {
  it('maps strings to numbers like a Map, through growth and collisions', () => {
    const idx = new StringIndex(2);
    const ref = new Map<string, number>();
    const keys = ['', 'a', 'é', '日本', '🚚', 'a'.repeat(300)];
    for (let i = 0; i < 5000; i++) keys.push(`SKU${String(i).padStart(6, '0')}`, `k${i % 97}-${i}`);
    keys.forEach((k, i) => {
      idx.set(k, i);
      ref.set(k, i);
    });
    // overwrite some
    for (let i = 0; i < keys.length; i += 7) {
      idx.set(keys[i], i * 2);
      ref.set(keys[i], i * 2);
    }
    expect(idx.size).toBe(ref.size);
    for (const [k, v] of ref) expect(idx.get(k)).toBe(v);
    expect(idx.get('missing')).toBe(-1);
    expect(idx.get('SKU005000')).toBe(-1);
  });

  it('getOrAdd returns what is stored, else stores and returns -1', () => {
    const idx = new StringIndex();
    expect(idx.getOrAdd('x', 3)).toBe(-1);
    expect(idx.getOrAdd('x', 9)).toBe(3);
    expect(idx.get('x')).toBe(3);
    expect(idx.size).toBe(1);
  });
});
