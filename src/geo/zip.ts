/**
 * US ZIP code centroids from the `zipcodes` package (data shipped with the project), used to
 * place ship-tos and facilities that come without latitude/longitude.
 */
import { createRequire } from 'node:module';

interface ZipRecord {
  zip: string;
  latitude: number;
  longitude: number;
  country: string;
}
interface ZipcodesModule {
  lookup(zip: string): ZipRecord | undefined;
  codes: Record<string, ZipRecord>;
}

// Loaded on first use: the data set costs ~80 MB, which processes that never place a ZIP
// (feed jobs, the CLI's other commands) should not pay.
let loaded: ZipcodesModule | undefined;
const zipcodes = (): ZipcodesModule => (loaded ??= createRequire(import.meta.url)('zipcodes') as ZipcodesModule);

export interface LatLong {
  latitude: number;
  longitude: number;
}

/** Centroid of a US ZIP code (first 5 digits of `zip`), or null when unknown or not a ZIP. */
export function lookupUsZip(zip: string): LatLong | null {
  const m = /^\s*(\d{5})/.exec(zip);
  if (m === null) return null;
  const r = zipcodes().lookup(m[1]);
  if (r === undefined || r.country !== 'US' || !Number.isFinite(r.latitude) || !Number.isFinite(r.longitude)) return null;
  return { latitude: r.latitude, longitude: r.longitude };
}

/** Every US ZIP code known to the data set (used by benchmark generators). */
export function allUsZips(): string[] {
  return Object.values(zipcodes().codes)
    .filter((r) => r.country === 'US' && Number.isFinite(r.latitude) && Number.isFinite(r.longitude))
    .map((r) => r.zip);
}

interface Placeable {
  country: string;
  postalCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  coordinateSource?: 'input' | 'postalCode';
}

function place<T extends Placeable>(p: T): T {
  if (p.latitude != null && p.longitude != null) return p;
  if (p.country.trim().toUpperCase() !== 'US' || typeof p.postalCode !== 'string') return p;
  const ll = lookupUsZip(p.postalCode);
  if (ll === null) return p;
  return { ...p, latitude: ll.latitude, longitude: ll.longitude, coordinateSource: 'postalCode' };
}

/**
 * Returns a copy of the input where ship-tos and facilities in the US without coordinates are
 * placed at their ZIP centroid (`coordinateSource: 'postalCode'`); others are left as they are.
 */
export function resolveCoordinates<
  F extends Placeable,
  O extends { shipTo: Placeable },
  T extends { facilities: readonly F[]; orders: readonly O[] },
>(input: T): T {
  return {
    ...input,
    facilities: input.facilities.map((f) => place(f)),
    orders: input.orders.map((o) => {
      const shipTo = place(o.shipTo);
      return shipTo === o.shipTo ? o : { ...o, shipTo };
    }),
  };
}
