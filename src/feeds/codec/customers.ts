/**
 * New customers — OMS → NetSuite.
 * `{root}/customer/export/CustomerFeed_{ts}_{run}.csv`, read by `HC_SC_ImportCustomer`
 * (a saved CSV import that ADDs, as the public integration's `custimport_customer_hc` does).
 * NetSuite's id comes back through `customer/import/`.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineOutboundCsvFeed } from './feed';
import { zFlag, zId, zOptionalText } from './fields';

export const CUSTOMER_COLUMNS = [
  { name: 'HCCustomerId', kind: 'id' },
  { name: 'externalId', kind: 'id' },
  { name: 'firstName', kind: 'text' },
  { name: 'lastName', kind: 'text' },
  { name: 'email', kind: 'text' },
  { name: 'phone', kind: 'phone' },
  { name: 'subsidiary', kind: 'id' },
  { name: 'individual', kind: 'flag' },
] as const satisfies readonly ColumnSpec[];

export interface CustomerRow {
  /** OMS customer (party) id. */
  HCCustomerId: string;
  /** NetSuite external id for the customer (unique; makes a re-import detectable). */
  externalId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** NetSuite subsidiary internal id (configuration). */
  subsidiary: string;
  /** `T` for a person, `F` for a company. */
  individual: boolean | 'T' | 'F';
}

const customerSchema = z.object({
  HCCustomerId: zId(),
  externalId: zId(),
  firstName: zOptionalText(),
  lastName: zOptionalText(),
  email: zOptionalText(),
  phone: zOptionalText(),
  subsidiary: zId(),
  individual: zFlag(),
});
type CustomerRecord = z.output<typeof customerSchema>;

export const customersFeed = defineOutboundCsvFeed<CustomerRow, CustomerRecord>({
  name: 'customers',
  folder: 'customer/export/',
  prefix: 'CustomerFeed',
  columns: CUSTOMER_COLUMNS,
  schema: customerSchema,
});

