import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/domain/routing/index';

/** A small valid scenario; each test breaks one thing. */
function base(): any {
  return {
    settings: { allowSplitFulfillment: true },
    facilities: [
      { id: 'WH1', type: 'WAREHOUSE', ranking: 1, country: 'US', latitude: 40, longitude: -74, zipRanges: [['07000', '08999']] },
      { id: 'ST1', type: 'STORE', ranking: 2, country: 'US' },
    ],
    products: [{ id: 'SKU1', warehouseId: 'WH1' }, { id: 'SKU2' }],
    inventory: [{ productId: 'SKU1', facilityId: 'WH1', available: 3 }],
    orders: [
      { id: 'O1', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'SKU1', quantity: 1 }] },
      { id: 'O2', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'SKU1', quantity: 1 }] },
      { id: 'O3', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'SKU1', quantity: 1 }, { seq: '2', productId: 'SKU2', quantity: 2 }] },
    ],
  };
}

function message(mutate: (s: any) => unknown): string {
  const s = base();
  const r = mutate(s);
  const res = parseScenario(r === undefined ? s : r);
  if (res.ok) throw new Error('expected bad input');
  return res.message;
}

describe('parseScenario', () => {
  it('accepts a valid scenario, fills defaults, ignores extra fields', () => {
    const s = base();
    s.extra = 1;
    s.facilities[0].color = 'red';
    s.orders[0].items[0].note = 'x';
    delete s.settings;
    const r = parseScenario(s);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.settings.setOrderStatusToException).toBe(true);
    expect(r.scenario.facilities[0]).not.toHaveProperty('color');
    expect(r.scenario.orders[0].items[0]).not.toHaveProperty('note');
  });

  it.each([
    ['a non-object', () => [], 'scenario: must be a JSON object'],
    ['null', () => null, 'scenario: must be a JSON object'],
    ['missing facilities', (s: any) => void delete s.facilities, 'facilities: is required'],
    ['missing orders', (s: any) => void delete s.orders, 'orders: is required'],
    ['facilities not an array', (s: any) => void (s.facilities = {}), 'facilities: must be an array'],
    ['missing facility id', (s: any) => void delete s.facilities[1].id, 'facilities[1].id: is required'],
    ['empty facility id', (s: any) => void (s.facilities[1].id = ''), 'facilities[1].id: must not be empty'],
    ['bad facility type', (s: any) => void (s.facilities[1].type = 'SHOP'), 'facilities[1].type: must be one of WAREHOUSE, STORE, VIRTUAL'],
    ['string ranking', (s: any) => void (s.facilities[0].ranking = '1'), 'facilities[0].ranking: must be a finite number'],
    ['missing country', (s: any) => void delete s.facilities[0].country, 'facilities[0].country: is required'],
    ['bad fulfillmentSystem', (s: any) => void (s.facilities[0].fulfillmentSystem = 'SAP'), 'facilities[0].fulfillmentSystem: must be one of NETSUITE, OMS'],
    ['latitude out of range', (s: any) => void (s.facilities[0].latitude = 100), 'facilities[0].latitude: must be between -90 and 90'],
    ['latitude without longitude', (s: any) => void delete s.facilities[0].longitude, 'facilities[0]: latitude and longitude must be given together'],
    ['bad ZIP range', (s: any) => void (s.facilities[0].zipRanges = [['7000', '08999']]), 'facilities[0].zipRanges[0][0]: must start with 5 digits'],
    ['reversed ZIP range', (s: any) => void (s.facilities[0].zipRanges = [['08999', '07000']]), 'facilities[0].zipRanges[0]: start 08999 is after end 07000'],
    ['string active', (s: any) => void (s.facilities[0].active = 'yes'), 'facilities[0].active: must be true or false'],
    ['negative safety stock', (s: any) => void (s.facilities[0].safetyStock = -1), 'facilities[0].safetyStock: must be a whole number >= 0'],
    ['missing product id', (s: any) => void delete s.products[1].id, 'products[1].id: is required'],
    ['string hazmat', (s: any) => void (s.products[1].hazmat = 'no'), 'products[1].hazmat: must be true or false'],
    ['missing available', (s: any) => void delete s.inventory[0].available, 'inventory[0].available: is required'],
    ['negative available', (s: any) => void (s.inventory[0].available = -1), 'inventory[0].available: must be a whole number >= 0'],
    ['fractional available', (s: any) => void (s.inventory[0].available = 1.5), 'inventory[0].available: must be a whole number >= 0'],
    ['missing ship-to country', (s: any) => void delete s.orders[1].shipTo.country, 'orders[1].shipTo.country: is required'],
    ['missing ship-to', (s: any) => void delete s.orders[1].shipTo, 'orders[1].shipTo: is required'],
    ['no items', (s: any) => void (s.orders[1].items = []), 'orders[1].items: must hold at least one item'],
    ['missing seq', (s: any) => void delete s.orders[2].items[1].seq, 'orders[2].items[1].seq: is required'],
    ['numeric seq', (s: any) => void (s.orders[2].items[1].seq = 2), 'orders[2].items[1].seq: must be a string'],
    ['missing quantity', (s: any) => void delete s.orders[2].items[0].quantity, 'orders[2].items[0].quantity: is required'],
    ['zero quantity', (s: any) => void (s.orders[2].items[0].quantity = 0), 'orders[2].items[0].quantity: must be a positive integer'],
    ['negative quantity', (s: any) => void (s.orders[2].items[0].quantity = -2), 'orders[2].items[0].quantity: must be a positive integer'],
    ['fractional quantity', (s: any) => void (s.orders[2].items[0].quantity = 1.5), 'orders[2].items[0].quantity: must be a positive integer'],
    ['string quantity', (s: any) => void (s.orders[2].items[0].quantity = '2'), 'orders[2].items[0].quantity: must be a positive integer'],
    ['bad rejectedFacilityIds', (s: any) => void (s.orders[0].items[0].rejectedFacilityIds = 'WH1'), 'orders[0].items[0].rejectedFacilityIds: must be an array'],
    ['bad setting type', (s: any) => void (s.settings.noSplitOrder = 'yes'), 'settings.noSplitOrder: must be true or false'],
    ['bad carrier split', (s: any) => void (s.settings.preassignedCarrierSplitsOrder = true), 'settings.preassignedCarrierSplitsOrder: must be an object'],
  ])('names the field: %s', (_name, mutate, expected) => {
    expect(message(mutate)).toBe(expected);
  });

  it.each([
    ['unknown facility in inventory', (s: any) => void s.inventory.push({ productId: 'SKU2', facilityId: 'WH_X', available: 1 }), 'inventory[1].facilityId: unknown facility "WH_X"'],
    ["unknown facility in a product's warehouseId", (s: any) => void (s.products[1].warehouseId = 'WH_X'), 'products[1].warehouseId: unknown facility "WH_X"'],
    ['duplicate facility id', (s: any) => void (s.facilities[1].id = 'WH1'), 'facilities[1].id: duplicate facility id "WH1" (also facilities[0])'],
    ['duplicate product id', (s: any) => void (s.products[1].id = 'SKU1'), 'products[1].id: duplicate product id "SKU1" (also products[0])'],
    ['duplicate order id', (s: any) => void (s.orders[2].id = 'O1'), 'orders[2].id: duplicate order id "O1" (also orders[0])'],
    ['duplicate seq', (s: any) => void (s.orders[2].items[1].seq = '1'), 'orders[2].items[1].seq: duplicate seq "1" in order "O3" (also items[0])'],
    ['duplicate stock row', (s: any) => void s.inventory.push({ productId: 'SKU1', facilityId: 'WH1', available: 1 }), 'inventory[1]: duplicate row for product "SKU1" at facility "WH1" (also inventory[0])'],
  ])('refuses %s', (_name, mutate, expected) => {
    expect(message(mutate)).toBe(expected);
  });

  it('refuses conflicting settings, naming every pair', () => {
    expect(message((s) => void (s.settings = { allowSplitFulfillment: true, noSplitOrder: true }))).toBe(
      'settings: conflicting settings: allowSplitFulfillment with noSplitOrder (mutually exclusive)',
    );
    expect(message((s) => void (s.settings = { oneItemPerOrder: true, sampleProductsCannotBeSplit: true, allowSplitFulfillment: true }))).toBe(
      'settings: conflicting settings: oneItemPerOrder with sampleProductsCannotBeSplit; allowSplitFulfillment with sampleProductsCannotBeSplit (mutually exclusive)',
    );
  });

  it('refuses a carrier split without a carrier', () => {
    expect(message((s) => void (s.settings = { preassignedCarrierSplitsOrder: { enabled: true, carrier: null } }))).toBe(
      'settings: preassignedCarrierSplitsOrder is enabled but has no carrier',
    );
    expect(message((s) => void (s.settings = { preassignedCarrierSplitsOrder: { enabled: true } }))).toBe(
      'settings: preassignedCarrierSplitsOrder is enabled but has no carrier',
    );
  });

  it('reports a single message even with many problems', () => {
    const m = message((s) => {
      s.orders[2].items[0].quantity = 0;
      s.facilities[0].ranking = 'x';
    });
    expect(m.split('\n')).toHaveLength(1);
  });
});
