/**
 * The params the feed jobs accept (checked by the job system on `PATCH /jobs/:name` and on every
 * run): exports (`GEN_*`) `maxRowsPerFile` (1..25,000, NetSuite's CSV import limit) and `maxFiles`;
 * imports (`IMP_*`, any added later too) `maxFiles`; `GEN_CUST_DEP_FD` also `paymentMethods`
 * (`{ "CREDIT_CARD": "5", … }`: OMS payment method → NetSuite payment method internal id).
 */
import { z } from 'zod';
import type { JobDefinition } from '../jobs/registry';
import { NETSUITE_CSV_LIMITS } from './codec/batch';

const maxFiles = z.number().int().min(1).optional();

export const exportParams = z.object({
  maxRowsPerFile: z.number().int().min(1).max(NETSUITE_CSV_LIMITS.maxRows).optional(),
  maxFiles,
});

export const importParams = z.object({ maxFiles });

export const customerDepositParams = exportParams.extend({
  paymentMethods: z.record(z.string().min(1), z.union([z.string().min(1), z.number().int()])).optional(),
});

/** The default params schema of a feed job by its name; a job that declares its own keeps it. */
export function withParamSchemas<J extends JobDefinition>(jobs: J[]): J[] {
  return jobs.map((j) => {
    if (j.params) return j;
    const params = j.name === 'GEN_CUST_DEP_FD' ? customerDepositParams : j.name.startsWith('GEN_') ? exportParams : importParams;
    return { ...j, params };
  });
}
