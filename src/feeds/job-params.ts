/**
 * The params schemas of the feed jobs (checked by the job system on `PATCH /jobs/:name` and on
 * every run; each row of `FEED_JOB_TABLE` in `jobs.ts` names its own): exports `maxRowsPerFile`
 * (1..25,000, NetSuite's CSV import limit) and `maxFiles`; imports `maxFiles`; `GEN_BRKR_ORD_FD_NS`
 * also `claimLanes` (parallel claims, see export-runner.ts); `GEN_CUST_DEP_FD`
 * also `paymentMethods` (`{ "CREDIT_CARD": "5", … }`: OMS payment method → NetSuite payment
 * method internal id).
 */
import { z } from 'zod';
import { NETSUITE_CSV_LIMITS } from './codec/batch';

const maxFiles = z.number().int().min(1).optional();

export const exportParams = z.object({
  maxRowsPerFile: z.number().int().min(1).max(NETSUITE_CSV_LIMITS.maxRows).optional(),
  maxFiles,
});

export const importParams = z.object({ maxFiles });

/** `claimLanes`: claims at once once a run has a backlog (1–4; default 2 on PostgreSQL, 1 on PGlite). */
export const brokeredItemsParams = exportParams.extend({
  claimLanes: z.number().int().min(1).max(4).optional(),
});

export const customerDepositParams = exportParams.extend({
  paymentMethods: z.record(z.string().min(1), z.union([z.string().min(1), z.number().int()])).optional(),
});
