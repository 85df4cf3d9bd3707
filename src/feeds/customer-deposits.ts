/**
 * Customer deposits — OMS → NetSuite, job `GEN_CUST_DEP_FD`.
 * `salesorder/customerdeposit/CustomerDepositFeed_{ts}_{run}.json`: a JSON array of
 * `{ orderId: <NetSuite sales order id>, totalAmount, paymentMethod: <NetSuite payment method id>, externalId: <OMS payment id> }`.
 *
 * Eligible: a payment without `feed_file_id`, with a positive amount, of an order that has its
 * NetSuite order id (others wait: `waitingForOrderId`). The claim sets `order_payments.feed_file_id`.
 *
 * `paymentMethod` is the OMS payment method mapped through `DEFAULT_PAYMENT_METHODS`, overridable per
 * job with the param `paymentMethods` (`{ "CREDIT_CARD": "5", … }`). The defaults are the internal
 * ids of a stock NetSuite account's payment methods (Cash 1, Check 2, VISA 5) plus placeholders for
 * the demo's other methods: every NetSuite account has its own ids, so set the param in production.
 * A payment whose method has no mapping waits and is counted as `waitingForPaymentMethod`.
 */
import type { Db } from '../db/client';
import {
  countPaymentsWaitingForOrderId, lockUnsentPayments, markPaymentsExported, paymentsOfFile, type PaymentExportRow,
} from '../db/feed-exports.repo';
import { createCustomerDepositEncoder, customerDepositsFeed, encodeCustomerDeposit, type CustomerDepositRow } from './codec';
import { fromOutboundFeed } from './common';
import { pickCandidates, type ExportSpec } from './export-runner';

const PAGE = 2000;

/** OMS payment method → NetSuite payment method internal id. */
export const DEFAULT_PAYMENT_METHODS: Readonly<Record<string, string>> = Object.freeze({
  CASH: '1',
  CHECK: '2',
  CREDIT_CARD: '5',
  APPLE_PAY: '5',
  PAYPAL: '7',
  GIFT_CARD: '8',
  MARKETPLACE: '9',
});

/** The payment method map of a run: the defaults, overridden by the job param `paymentMethods`. */
export function paymentMethodMap(params: Record<string, unknown> | undefined): Record<string, string> {
  const extra = params?.paymentMethods;
  const map: Record<string, string> = { ...DEFAULT_PAYMENT_METHODS };
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [k, v] of Object.entries(extra)) if (typeof v === 'string' || typeof v === 'number') map[k] = String(v);
  }
  return map;
}

const depositOf = (p: PaymentExportRow, methods: Record<string, string>): CustomerDepositRow => ({
  orderId: p.nsOrderId, totalAmount: p.amount, paymentMethod: methods[p.method], externalId: p.id,
});

/** The export spec of `GEN_CUST_DEP_FD` (see the module comment). */
export function customerDepositsExport(): ExportSpec<CustomerDepositRow> {
  return {
    ...fromOutboundFeed(customerDepositsFeed),
    createEncoder: () => createCustomerDepositEncoder(),

    async claim(tx, { fileId, limit, maxBytes, state, ctx }) {
      const methods = paymentMethodMap(ctx.params);
      const after = String(state.afterPayment ?? '');
      const cands = await lockUnsentPayments(tx, after, limit);
      if (!cands.length) return { rows: 0, more: false };
      const mapped = cands.filter((p) => Object.hasOwn(methods, p.method));
      if (mapped.length < cands.length) ctx.count('waitingForPaymentMethod', cands.length - mapped.length);
      const pick = pickCandidates(mapped.map((p) => ({ key: p.id, rows: [depositOf(p, methods)] })), {
        limit, maxBytes, validate: (row, n) => void encodeCustomerDeposit(row, n),
        onInvalid: (key, message, field) => {
          ctx.count('invalidRows');
          ctx.addRowError({ file: customerDepositsFeed.name, row: 0, ...(field && { field }), message: `payment ${key}: ${message}` });
        },
      });
      const rows = pick.keys.length ? await markPaymentsExported(tx, fileId, pick.keys) : 0;
      state.afterPayment = pick.leftOver ? pick.keys[pick.keys.length - 1] : cands[cands.length - 1].id;
      return { rows, more: cands.length >= limit || pick.leftOver };
    },

    rows: (db, { fileId, rowCount, params }) => readDeposits(db, fileId, rowCount, paymentMethodMap(params)),

    async waiting(db) {
      return { waitingForOrderId: await countPaymentsWaitingForOrderId(db) };
    },
  };
}

/** A re-upload maps with the job's params of that run: keep `paymentMethods` stable while files are pending. */
async function* readDeposits(db: Db, fileId: string, rowCount: number, methods: Record<string, string>): AsyncGenerator<CustomerDepositRow> {
  let after = '';
  let left = rowCount;
  while (left > 0) {
    const page = await paymentsOfFile(db, fileId, after, Math.min(PAGE, left));
    if (!page.length) return;
    for (const p of page) yield depositOf(p, methods);
    after = page[page.length - 1].id;
    left -= page.length;
  }
}
