/** Small catalogs for tests, built through the same use cases the API calls. */
import type { Db } from '../../src/db/client';
import { setInventory, upsertFacility, upsertProduct, type FacilityInput, type ProductInput } from '../../src/app/catalog';

export async function seedCatalog(db: Db, c: { facilities?: FacilityInput[]; products?: ProductInput[]; stock?: [string, string, number][] }) {
  for (const f of c.facilities ?? []) expectOk(await db.transaction((tx) => upsertFacility(tx, f)));
  for (const p of c.products ?? []) expectOk(await db.transaction((tx) => upsertProduct(tx, p)));
  for (const [productId, facilityId, onHand] of c.stock ?? []) expectOk(await db.transaction((tx) => setInventory(tx, productId, facilityId, onHand, 'test')));
}

export function expectOk<T extends { kind: string }>(r: T): Extract<T, { kind: 'ok' | 'created' | 'existing' }> {
  if (!['ok', 'created', 'existing'].includes(r.kind)) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as any;
}

export const STORE_NYC: FacilityInput = { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE', fulfillmentSystem: 'OMS', postalCode: '10001', ranking: 2 };
export const WH_NJ: FacilityInput = { id: 'WH_NJ', name: 'NJ Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: '11', postalCode: '07001', ranking: 1 };
export const WH_CA: FacilityInput = { id: 'WH_CA', name: 'CA Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: '12', postalCode: '90001', ranking: 3 };

export function orderBody(over: Record<string, unknown> = {}) {
  return {
    externalId: `EXT-${Math.random().toString(36).slice(2)}`,
    salesChannel: 'WEB',
    orderDate: '2026-11-20T10:00:00Z',
    customer: { externalId: 'C-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    shipTo: { name: 'Ada Lovelace', address1: '1 Main St', city: 'New York', state: 'NY', postalCode: '10002', country: 'US' },
    items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }],
    payments: [{ method: 'CREDIT_CARD', amount: 10 }],
    ...over,
  };
}
