/** Stable sorting of a contiguous range of indices (a product's stock rows or slots). */

/** Ranges longer than this go to a typed-array sort; shorter ones (the usual few holders) to an insertion sort. */
const INSERTION_MAX = 32;

/**
 * Writes the indices a..e-1 to `out` from position `at`, sorted by `key[index]`; equal keys keep
 * index order (stable).
 */
export function putSortedRange(out: Int32Array, at: number, a: number, e: number, key: ArrayLike<number>): void {
  if (e - a > INSERTION_MAX) {
    out.set(Int32Array.from({ length: e - a }, (_, i) => a + i).sort((x, y) => key[x] - key[y] || x - y), at);
    return;
  }
  const from = at;
  for (let i = a; i < e; i++) {
    const k = key[i];
    let j = at - 1;
    while (j >= from && key[out[j]] > k) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = i;
    at++;
  }
}
