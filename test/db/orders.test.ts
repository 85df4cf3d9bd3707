import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { approveOrder, cancelOrder, createOrder, getItemHistory, getOrder, listOrders } from '../../src/app/orders';
import { adjustInventory, getAvailability, setInventory } from '../../src/app/catalog';
import { closeReservation, ledgerInconsistencies } from '../../src/db/inventory.repo';
import { reserve } from '../support/stock';
import { orderItems, routingProfiles } from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';

describe.each(ENGINES)('orders and ledger on %s', (engine) => {
  let d: Database;
  beforeEach(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, { facilities: [STORE_NYC, WH_NJ], products: [{ id: 'SKU1' }, { id: 'SKU2', hazmat: true }], stock: [['SKU1', 'WH_NJ', 5]] });
  });
  afterEach(async () => { await d.close(); });

  it('creates an order with items, customer, payments and history; same external id returns the existing one', async () => {
    const body = orderBody({ externalId: 'SHOP-1', items: [{ productId: 'SKU1', quantity: 2, unitPrice: 5 }, { productId: 'SKU2', quantity: 1 }] });
    const r = expectOk(await d.db.transaction((tx) => createOrder(tx, body)));
    expect(r.kind).toBe('created');
    expect(r.order.status).toBe('CREATED');
    expect(r.order.items.map((i) => [i.seqId, i.productId, i.quantity, i.status])).toEqual([['00001', 'SKU1', 2, 'CREATED'], ['00002', 'SKU2', 1, 'CREATED']]);
    expect(r.order.shipTo.latitude).toBeCloseTo(40.71, 1); // placed by its ZIP
    const again = expectOk(await d.db.transaction((tx) => createOrder(tx, body)));
    expect(again.kind).toBe('existing');
    expect(again.order.id).toBe(r.order.id);
    expect((await listOrders(d.db, {})).rows.length).toBe(1);
    const hist = await getItemHistory(d.db, r.order.id, '00001');
    expect(hist.map((h) => h.toStatus)).toEqual(['CREATED']);
  });

  it('rejects malformed orders naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [orderBody({ shipTo: undefined }), 'shipTo'],
      [orderBody({ items: [{ productId: 'SKU1', quantity: 0 }] }), 'items[0].quantity'],
      [orderBody({ items: [{ productId: 'SKU1', quantity: 1.5 }] }), 'items[0].quantity'],
      [orderBody({ items: [] }), 'items'],
      [orderBody({ facilityId: 'NOPE' }), 'facilityId'],
      [orderBody({ shipTo: { address1: 'x', country: 'usa' } }), 'shipTo.country'],
    ];
    for (const [body, field] of cases) {
      const r = await d.db.transaction((tx) => createOrder(tx, body));
      expect(r.kind, field).toBe('invalid');
      if (r.kind === 'invalid') expect(r.errors.map((e) => e.field)).toContain(field);
    }
    await d.db.update(routingProfiles).set({ settings: { autoCreateProduct: false } }).where(eq(routingProfiles.id, 'default'));
    const r = await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: 1 }, { productId: 'UNKNOWN', quantity: 1 }] })));
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.message).toContain('items[1].productId');
    expect(await listOrders(d.db, {})).toEqual({ rows: [], nextOffset: null });
  });

  it('auto-creates unknown products when the profile allows it, even when the id is another product\'s SKU', async () => {
    const r = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'NEW-SKU', quantity: 1 }] }))));
    expect(r.order.items[0].productId).toBe('NEW-SKU');
    await seedCatalog(d.db, { products: [{ id: 'P-1', sku: 'ABC' }] });
    const s = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'ABC', quantity: 1 }] }))));
    expect(s.order.items[0].productId).toBe('ABC');
  });

  it('names the problem of a mistyped field instead of calling it missing', async () => {
    const r = await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: '2' }] })));
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.message).not.toContain('is required');
  });

  it('approve puts items in the brokering queue; approving twice is refused and changes nothing', async () => {
    const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody())));
    const a = expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
    expect(a.order.status).toBe('APPROVED');
    expect(a.order.items[0]).toMatchObject({ status: 'APPROVED', facilityId: '_NA_' });
    const again = await d.db.transaction((tx) => approveOrder(tx, order.id));
    expect(again.kind).toBe('illegal_transition');
    expect((await getOrder(d.db, order.id))!.status).toBe('APPROVED');
    expect((await d.db.transaction((tx) => approveOrder(tx, 'ORD-NOPE'))).kind).toBe('not_found');
  });

  it('cancel releases the reservation; cancelling again is refused', async () => {
    const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: 2 }] }))));
    expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
    await d.db.transaction(async (tx) => {
      const r = await reserve(tx as any, { orderId: order.id, orderItemSeqId: '00001', productId: 'SKU1', facilityId: 'WH_NJ', quantity: 2, actor: 't' });
      expect(r?.reserved).toBe(2);
      await tx.update(orderItems).set({ status: 'ALLOCATED', facilityId: 'WH_NJ' }).where(eq(orderItems.orderId, order.id));
    });
    expect((await getAvailability(d.db, { productId: 'SKU1', facilityId: 'WH_NJ' }))[0]).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    const c = expectOk(await d.db.transaction((tx) => cancelOrder(tx, order.id)));
    expect(c.order.status).toBe('CANCELLED');
    expect((await getAvailability(d.db, { productId: 'SKU1', facilityId: 'WH_NJ' }))[0]).toMatchObject({ reserved: 0, available: 5 });
    expect((await d.db.transaction((tx) => cancelOrder(tx, order.id))).kind).toBe('illegal_transition');
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('ledger: reservations never take available below zero; counters equal ledger sums', async () => {
    const mk = (seq: string, q: number, partial = false) => reserve(d.db, { orderId: 'O', orderItemSeqId: seq, productId: 'SKU1', facilityId: 'WH_NJ', quantity: q, actor: 't', partial });
    expect((await mk('1', 3))?.reserved).toBe(3);
    expect(await mk('2', 3)).toBeNull(); // only 2 left
    expect((await mk('3', 5, true))?.reserved).toBe(2); // backordered: down to zero
    expect((await getAvailability(d.db, { productId: 'SKU1' }))[0]).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    await d.db.transaction((tx) => closeReservation(tx, 'O', '1', 'CONSUMED', 't'));
    expect((await getAvailability(d.db, { productId: 'SKU1' }))[0]).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
    expectOk(await d.db.transaction((tx) => setInventory(tx, 'SKU1', 'WH_NJ', 10)));
    expectOk(await d.db.transaction((tx) => adjustInventory(tx, 'SKU1', 'WH_NJ', -4, 'VAR_DAMAGED')));
    expect((await getAvailability(d.db, { productId: 'SKU1' }))[0]).toMatchObject({ onHand: 6, reserved: 2, available: 4 });
    expect((await d.db.transaction((tx) => adjustInventory(tx, 'SKU1', 'WH_NJ', -7, 'VAR_STOLEN'))).kind).toBe('invalid');
    expect((await d.db.transaction((tx) => setInventory(tx, 'SKU1', '_NA_', 3))).kind).toBe('invalid');
    expect((await d.db.transaction((tx) => setInventory(tx, 'SKU1', 'WH_NJ', -1))).kind).toBe('invalid');
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });
});
