/** Great-circle geometry on a sphere of radius 6,371 km (contract step 5). */

export const EARTH_RADIUS_KM = 6371;
const DEG = Math.PI / 180;

/**
 * Raw haversine distance in km between two points given in radians with their latitude cosines
 * precomputed. The engine and `distanceKm` share this one implementation, so both round alike.
 */
export function haversineRawKm(
  lat1: number,
  lon1: number,
  cosLat1: number,
  lat2: number,
  lon2: number,
  cosLat2: number,
): number {
  const sLat = Math.sin((lat2 - lat1) / 2);
  const sLon = Math.sin((lon2 - lon1) / 2);
  const a = sLat * sLat + cosLat1 * cosLat2 * sLon * sLon;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Haversine distance in whole metres between two points in degrees. */
export function distanceMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * DEG;
  const p2 = lat2 * DEG;
  return Math.round(haversineRawKm(p1, lon1 * DEG, Math.cos(p1), p2, lon2 * DEG, Math.cos(p2)) * 1000);
}

/** Haversine distance in km, rounded to whole metres (3 decimals), between two points in degrees. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return distanceMetres(lat1, lon1, lat2, lon2) / 1000;
}

/** True when both coordinates are finite numbers within range. */
export function isPlaced(lat: number | null | undefined, lon: number | null | undefined): boolean {
  return (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180
  );
}

/** Degrees to radians. */
export function toRadians(deg: number): number {
  return deg * DEG;
}
