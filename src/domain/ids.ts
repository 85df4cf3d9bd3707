import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A readable, prefixed, time-sortable and unpredictable id, e.g. `RUN-01JD3M8Q2K7ZV4XG`.
 * 48 bits of time and 40 random bits, Crockford base32.
 */
export function newId(prefix: string, now = Date.now()): string {
  let t = now, time = '';
  for (let i = 0; i < 10; i++) { time = ALPHABET[t % 32] + time; t = Math.floor(t / 32); }
  const rnd = randomBytes(5);
  let bits = 0n;
  for (const b of rnd) bits = (bits << 8n) | BigInt(b);
  let r = '';
  for (let i = 0; i < 8; i++) { r = ALPHABET[Number(bits & 31n)] + r; bits >>= 5n; }
  return `${prefix}-${time}${r}`;
}

/** The 5-digit item sequence id of the n-th line (1-based), e.g. `00001`. */
export function itemSeqId(n: number): string {
  return String(n).padStart(5, '0');
}
