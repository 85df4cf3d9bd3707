import { describe, expect, it } from 'vitest';
import { distanceKm, distanceMetres, EARTH_RADIUS_KM, usZip } from '../../../src/domain/routing/index';
import { lookupUsZip, resolveCoordinates } from '../../../src/geo/zip';

describe('great-circle distance', () => {
  it('uses a sphere of radius 6,371 km', () => {
    expect(EARTH_RADIUS_KM).toBe(6371);
    // a quarter of the equator: 6371 * pi / 2 = 10007.543398 km
    expect(distanceKm(0, 0, 0, 90)).toBe(10007.543);
    // one degree of latitude: 6371 * pi / 180 = 111.19492664 km
    expect(distanceKm(10, 20, 11, 20)).toBe(111.195);
    expect(distanceMetres(10, 20, 11, 20)).toBe(111195);
    expect(distanceKm(0, 0, 0, 180)).toBe(20015.087);
  });

  it('is symmetric and zero for one point', () => {
    expect(distanceKm(40, -74, 34.09, -118.41)).toBe(distanceKm(34.09, -118.41, 40, -74));
    expect(distanceKm(40, -74, 40, -74)).toBe(0);
  });

  it('rounds to whole metres, so points 1 cm apart tie', () => {
    expect(distanceMetres(40, -74, 40, -74.2)).toBe(distanceMetres(40, -74, 40, -74.2000001));
    expect(Number.isInteger(distanceMetres(40.123, -74.456, 33.1, -100.2))).toBe(true);
  });
});

describe('US ZIP codes', () => {
  it('recognises a ship-to US ZIP by its first 5 digits', () => {
    expect(usZip('US', '10001-1234')).toBe('10001');
    expect(usZip('us', '07001')).toBe('07001');
    expect(usZip('US', '1234')).toBeNull();
    expect(usZip('CA', '10001')).toBeNull();
    expect(usZip('US', null)).toBeNull();
  });

  it('places a ZIP at its centroid (zipcodes data)', () => {
    expect(lookupUsZip('10001')).toEqual({ latitude: 40.7484, longitude: -73.9967 });
    expect(lookupUsZip('07001-9999')).toEqual({ latitude: 40.5826, longitude: -74.2785 });
    expect(lookupUsZip('00000')).toBeNull();
    expect(lookupUsZip('ABCDE')).toBeNull();
    expect(lookupUsZip('M5V 2T6')).toBeNull();
  });

  it('fills missing coordinates of US ship-tos and facilities only', () => {
    const input = {
      facilities: [
        { id: 'F1', country: 'US', postalCode: '10001' },
        { id: 'F2', country: 'US', postalCode: '10001', latitude: 1, longitude: 2 },
        { id: 'F3', country: 'CA', postalCode: '10001' },
      ],
      orders: [
        { id: 'O1', shipTo: { country: 'US', postalCode: '07001' } },
        { id: 'O2', shipTo: { country: 'US', postalCode: '00000' } },
        { id: 'O3', shipTo: { country: 'US', postalCode: '07001', latitude: 5, longitude: 6 } },
      ],
      other: 'kept',
    };
    const out = resolveCoordinates(input);
    expect(out.facilities[0]).toEqual({ id: 'F1', country: 'US', postalCode: '10001', latitude: 40.7484, longitude: -73.9967, coordinateSource: 'postalCode' });
    expect(out.facilities[1]).toBe(input.facilities[1]);
    expect(out.facilities[2]).toBe(input.facilities[2]);
    expect(out.orders[0].shipTo).toEqual({ country: 'US', postalCode: '07001', latitude: 40.5826, longitude: -74.2785, coordinateSource: 'postalCode' });
    expect(out.orders[1]).toBe(input.orders[1]);
    expect(out.orders[2]).toBe(input.orders[2]);
    expect(out.other).toBe('kept');
    expect(input.facilities[0]).not.toHaveProperty('latitude');
  });
});
