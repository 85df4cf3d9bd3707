/** The brokered-items planner (feeds v2): which rows an order needs, and what waits. */
import { describe, expect, it } from 'vitest';
import { planOrderLines, type LineFact, type OrderLineFacts } from '../../../src/domain/netsuite-lines';

const line = (over: Partial<LineFact>): LineFact => ({
  seqId: '00001', parentSeqId: null, status: 'ALLOCATED', quantity: 2, facilityId: 'WH_NJ', netsuiteFacility: true,
  location: '11', item: '501', reservationId: 10, allocationSent: false, lineId: '3', lineQty: null, sync: null,
  announced: false, closedSent: false, ...over,
});
const order = (lines: LineFact[], over: Partial<OrderLineFacts> = {}): OrderLineFacts => ({ orderId: 'O1', internalId: '7001', exported: true, lines, ...over });

describe('planOrderLines', () => {
  it('an unsent allocation at a NetSuite facility is one row; once sent, nothing', () => {
    const p = planOrderLines(order([line({})]));
    expect(p.rows).toEqual([{ orderId: 'O1', seqId: '00001', reservationId: 10, facilityId: 'WH_NJ', internalId: '7001', lineId: '3', item: '501', location: '11', quantity: 2, closed: false, recordQuantity: false, clearsMarker: false }]);
    expect(planOrderLines(order([line({ allocationSent: true })])).rows).toEqual([]);
  });

  it('an allocation at a store is not sent (NetSuite learns of it by the fulfilled-items feed)', () => {
    expect(planOrderLines(order([line({ netsuiteFacility: false, facilityId: 'STORE_NYC', location: '21' })])).rows).toEqual([]);
  });

  it('a split across two NetSuite warehouses: the original under its line id, the new piece with an empty line id; distinct keys', () => {
    const p = planOrderLines(order([
      line({ quantity: 1, lineQty: 2, sync: 'SPLIT' }),
      line({ seqId: '00002', parentSeqId: '00001', quantity: 1, facilityId: 'WH_CA', location: '12', reservationId: 11, lineId: null, sync: 'SPLIT' }),
    ]));
    expect(p.rows.map((r) => [r.seqId, r.lineId, r.location, r.quantity, r.recordQuantity])).toEqual([['00001', '3', '11', 1, true], ['00002', null, '12', 1, true]]);
    expect(p.settled).toEqual(['00001', '00002']);
    expect(p.waiting).toEqual([]);
  });

  it("the reduced original line at a store carries the store's NetSuite location (it leaves the warehouse that held it)", () => {
    // After a flag rejection at the warehouse, an empty location with rejected = F would leave an
    // open, unrejected line at that warehouse while the store ships the unit: a second shipment.
    const p = planOrderLines(order([
      line({ quantity: 1, lineQty: 3, netsuiteFacility: false, facilityId: 'STORE_NYC', location: '21', reservationId: 5 }),
      line({ seqId: '00002', parentSeqId: '00001', quantity: 2, lineId: null }),
    ]));
    expect(p.rows.map((r) => [r.seqId, r.lineId, r.location, r.quantity, r.reservationId])).toEqual([['00001', '3', '21', 1, null], ['00002', null, '11', 2, 10]]);
    // A store NetSuite has no location for: the line's location is left as it is (empty).
    const bare = planOrderLines(order([
      line({ quantity: 1, lineQty: 3, netsuiteFacility: false, facilityId: 'STORE_NYC', location: null, reservationId: 5 }),
      line({ seqId: '00002', parentSeqId: '00001', quantity: 2, lineId: null }),
    ]));
    expect(bare.rows.map((r) => [r.seqId, r.location])).toEqual([['00001', null], ['00002', '11']]);
  });

  it('a new piece at a store is announced with an empty location, even when the store has a NetSuite location', () => {
    const p = planOrderLines(order([
      line({ quantity: 1, lineQty: 3, sync: 'SPLIT' }),
      line({ seqId: '00002', parentSeqId: '00001', quantity: 2, lineId: null, netsuiteFacility: false, facilityId: 'STORE_NYC', location: '21', reservationId: 6 }),
    ]));
    expect(p.rows.map((r) => [r.seqId, r.lineId, r.location, r.quantity])).toEqual([['00001', '3', '11', 1], ['00002', null, null, 2]]);
  });

  it('a piece already announced waits for its line id instead of being announced twice', () => {
    const p = planOrderLines(order([
      line({ quantity: 1, lineQty: 1, allocationSent: true }),
      line({ seqId: '00002', parentSeqId: '00001', quantity: 1, lineId: null, announced: true, reservationId: 12 }),
    ]));
    expect(p.rows).toEqual([]);
    expect(p.waiting).toEqual([{ seqId: '00002', missing: ['line'] }]);
  });

  it('new pieces wait until every original line of the order has its NetSuite line id', () => {
    const p = planOrderLines(order([
      line({ lineId: null, allocationSent: false, sync: 'SPLIT', quantity: 1 }),
      line({ seqId: '00002', parentSeqId: '00001', lineId: null, quantity: 1, netsuiteFacility: false, facilityId: '_NA_', reservationId: null, sync: 'SPLIT' }),
    ]));
    expect(p.rows).toEqual([]);
    expect(p.waiting.map((w) => [w.seqId, w.missing])).toEqual([['00001', ['line']], ['00002', ['line']]]);
    expect(p.settled).toEqual([]);
  });

  it('without the order id, everything waits for it', () => {
    const p = planOrderLines(order([line({})], { internalId: null }));
    expect(p.waiting).toEqual([{ seqId: '00001', missing: ['order'] }]);
  });

  it('a cancelled item with a known line is closed once, with the quantity last sent and no location', () => {
    const p = planOrderLines(order([line({ status: 'CANCELLED', facilityId: null, reservationId: null, lineQty: 2, quantity: 2, sync: 'CLOSE' })]));
    expect(p.rows).toEqual([{ orderId: 'O1', seqId: '00001', reservationId: null, facilityId: '_NA_', internalId: '7001', lineId: '3', item: '501', location: null, quantity: 2, closed: true, recordQuantity: false, clearsMarker: true }]);
    expect(planOrderLines(order([line({ status: 'CANCELLED', closedSent: true, sync: 'CLOSE' })])).rows).toEqual([]);
  });

  it('a cancelled piece NetSuite never heard of needs nothing; one announced waits for its line to close it', () => {
    const never = planOrderLines(order([line({ seqId: '00002', parentSeqId: '00001', status: 'CANCELLED', lineId: null, sync: 'CLOSE' })]));
    expect(never).toMatchObject({ rows: [], waiting: [], settled: ['00002'] });
    const told = planOrderLines(order([line({ seqId: '00002', parentSeqId: '00001', status: 'CANCELLED', lineId: null, announced: true, sync: 'CLOSE' })]));
    expect(told.waiting).toEqual([{ seqId: '00002', missing: ['line'] }]);
  });

  it('ids NetSuite would refuse are reported, never planned', () => {
    const p = planOrderLines(order([line({ lineId: 'bad id' })]));
    expect(p.rows).toEqual([]);
    expect(p.invalid).toEqual([{ seqId: '00001', message: 'lineId is not a valid NetSuite id' }]);
  });

  it('a re-send marker sends the item as it stands', () => {
    const p = planOrderLines(order([line({ allocationSent: true, sync: 'RESEND' })]));
    expect(p.rows.map((r) => [r.seqId, r.location])).toEqual([['00001', '11']]);
  });
});
