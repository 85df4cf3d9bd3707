/**
 * SHA-256 host-key fingerprints, as OpenSSH prints them (`ssh-keygen -lf key.pub`,
 * `ssh-keyscan host | ssh-keygen -lf -`): `SHA256:` + unpadded base64 of the SHA-256 of the
 * public key blob. Plain base64 (padded or not) and hex (with or without colons) are accepted too.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TransportConfigError } from './errors';

/** Parses a configured fingerprint into its 32 raw bytes; throws TransportConfigError if malformed. */
export function parseFingerprint(input: string): Buffer {
  let s = String(input ?? '').trim();
  if (/^sha256:/i.test(s)) s = s.slice(7);
  const hex = s.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  throw new TransportConfigError(
    `hostKeySha256 ${JSON.stringify(input)} is not a SHA-256 fingerprint; ` +
      'expected "SHA256:<43 base64 chars>" (as printed by ssh-keygen -lf), plain base64, or 64 hex digits',
  );
}

/** OpenSSH form of a raw 32-byte digest: `SHA256:<unpadded base64>`. */
export function formatFingerprint(digest: Buffer): string {
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}

/** SHA-256 fingerprint (OpenSSH form) of an SSH public key blob. */
export function fingerprintOfKey(publicKeyBlob: Buffer): string {
  return formatFingerprint(createHash('sha256').update(publicKeyBlob).digest());
}

/** Constant-time comparison of two raw digests. */
export function sameFingerprint(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
