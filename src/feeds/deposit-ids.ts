/**
 * Customer deposit ids — NetSuite → OMS, job `IMP_CUST_DEP_IDENT`.
 * `salesorder/import/orderpayment/*-CustomerDepositExport.csv`: `orderId,internalId,manualRefNumber`
 * → `order_payments.netsuite_deposit_id` of the payment `manualRefNumber`.
 *
 * Row errors: unknown payment; a payment of another order than `orderId`; a DIFFERENT deposit id
 * for a payment that has one (not changed). The same id again is a reported no-op (the payment's
 * state keeps a row from applying twice). Row-by-row and bulk paths as the other id imports (`id-assign.ts`).
 */
import type { Tx } from '../db/client';
import { fromInboundFeed } from './common';
import { depositIdsFeed, type DepositIdRecord } from './codec';
import { applyIdBatch, applyIdRow, type IdAssignment, type IdTarget } from './id-assign';
import { lockPayments, setPaymentDepositIds } from '../db/netsuite-ids.repo';
import type { ImportSpec } from './import-runner';

export const IMP_CUST_DEP_IDENT = 'IMP_CUST_DEP_IDENT';

/** Deposit ids onto payments: the payment must be of the row's order. */
export const depositIdAssignment: IdAssignment<DepositIdRecord> = {
  target: (r) => r.manualRefNumber, value: (r) => r.internalId,
  async load(tx: Tx, recs) {
    const rows = await lockPayments(tx, [...new Set(recs.map((r) => r.manualRefNumber))].sort());
    return { targets: new Map<string, IdTarget>(rows.map((p) => [p.id, { current: p.current, orderId: p.orderId }])) };
  },
  unknown: (r) => ({ kind: 'error', field: 'manualRefNumber', message: `unknown payment ${r.manualRefNumber}` }),
  check: (r, t) => (t.orderId === r.orderId ? null
    : { kind: 'error', field: 'orderId', message: `payment ${r.manualRefNumber} is of order ${t.orderId}, not of ${r.orderId}` }),
  same: (r) => `payment ${r.manualRefNumber} already has NetSuite deposit id ${r.internalId}`,
  different: (r, c) => ({ field: 'internalId', message: `payment ${r.manualRefNumber} already has NetSuite deposit id ${c}; not changed to ${r.internalId}` }),
  write: setPaymentDepositIds,
};

/** The import spec of `IMP_CUST_DEP_IDENT`, both paths, lanes by payment. */
export function depositIdsImport(): ImportSpec<DepositIdRecord> {
  return {
    ...fromInboundFeed(depositIdsFeed),
    job: IMP_CUST_DEP_IDENT, batchSize: 500, bulkBatchSize: 5000,
    apply: (tx, rec, rc) => applyIdRow(depositIdAssignment, tx, rec, rc),
    applyBatch: (tx, rows, ctx) => applyIdBatch(depositIdAssignment, tx, rows, ctx),
    laneKey: (rec) => rec.manualRefNumber,
  };
}
