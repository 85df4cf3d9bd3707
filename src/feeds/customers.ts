/**
 * New customers — OMS → NetSuite, job `GEN_CRT_CUST_FD`.
 * `customer/export/CustomerFeed_{ts}_{run}.csv`:
 * `HCCustomerId,externalId,firstName,lastName,email,phone,subsidiary,individual`.
 *
 * Eligible: every customer without `feed_file_id`; the claim sets it. `HCCustomerId` = the OMS
 * customer id; `externalId` = the customer's external (shop) id, or the OMS id when it has none;
 * `subsidiary` from configuration; `individual` = `T` (the OMS has person customers only).
 * A customer whose row cannot be encoded (e.g. an external id that is not a valid NetSuite id) is
 * reported as a row error of the run and not claimed.
 */
import type { Db } from '../db/client';
import { customersOfFile, lockUnsentCustomers, markCustomersExported, type CustomerRecord } from '../db/feed-exports.repo';
import { CUSTOMER_COLUMNS, customersFeed, type CustomerRow } from './codec';
import { fromOutboundFeed, type FeedDeps } from './common';
import { pickCandidates, type ExportSpec } from './export-runner';

const PAGE = 2000;

/** The feed row of one customer. */
export function customerFeedRow(c: Pick<CustomerRecord, 'id' | 'externalId' | 'firstName' | 'lastName' | 'email' | 'phone'>, subsidiary: string): CustomerRow {
  return {
    HCCustomerId: c.id, externalId: c.externalId ?? c.id,
    firstName: c.firstName ?? undefined, lastName: c.lastName ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined,
    subsidiary, individual: 'T',
  };
}

/** The export spec of `GEN_CRT_CUST_FD` (see the module comment). */
export function customersExport(): ExportSpec<CustomerRow> {
  return {
    ...fromOutboundFeed(customersFeed),
    createEncoder: () => customersFeed.createEncoder(),

    async claim(tx, { fileId, limit, maxBytes, state, ctx, deps }) {
      const after = String(state.afterCustomer ?? '');
      const cands = await lockUnsentCustomers(tx, after, limit);
      if (!cands.length) return { rows: 0, more: false };
      const pick = pickCandidates(cands.map((c) => ({ key: c.id, rows: [customerFeedRow(c, deps.config.NETSUITE_SUBSIDIARY)] })), {
        columns: CUSTOMER_COLUMNS, limit, maxBytes,
        onInvalid: (key, message, field) => {
          ctx.count('invalidRows');
          ctx.addRowError({ file: customersFeed.name, row: 0, ...(field && { field }), message: `customer ${key}: ${message}` });
        },
      });
      if (pick.keys.length) await markCustomersExported(tx, fileId, pick.keys);
      state.afterCustomer = pick.leftOver ? pick.keys[pick.keys.length - 1] : cands[cands.length - 1].id;
      return { rows: pick.rows, more: cands.length >= limit || pick.leftOver };
    },

    rows: (db, { fileId, rowCount, deps }) => readCustomers(db, fileId, rowCount, deps),
  };
}

async function* readCustomers(db: Db, fileId: string, rowCount: number, deps: FeedDeps): AsyncGenerator<CustomerRow> {
  let after = '';
  let left = rowCount;
  while (left > 0) {
    const page = await customersOfFile(db, fileId, after, Math.min(PAGE, left));
    if (!page.length) return;
    for (const c of page) yield customerFeedRow(c, deps.config.NETSUITE_SUBSIDIARY);
    after = page[page.length - 1].id;
    left -= page.length;
  }
}
