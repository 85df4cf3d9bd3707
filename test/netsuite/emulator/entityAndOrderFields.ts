/**
 * Fields the customer and sales-order ADD imports set, added to an emulator schema (a new file so
 * the shared `schema.ts` stays as the other tests know it):
 *
 * - customer: the standard name, contact and type fields (`firstname`, `lastname`, `email`,
 *   `phone`, `isperson`) and the project's entity custom fields (`custentity_*.xml`, globbed);
 * - sales order body: `email`, the ship method and cost, and the shipping address fields.
 *
 * Standard field ids as the SuiteScript Records Browser lists them for customer and sales order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTS_DIR } from './importMaps';
import type { FieldDef, RecordDef } from './schema';

const text: FieldDef = { type: 'text' };

function entityCustomFields(): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const f of readdirSync(OBJECTS_DIR).filter((n) => /^custentity_.*\.xml$/.test(n))) {
    const xml = readFileSync(join(OBJECTS_DIR, f), 'utf8');
    const id = /scriptid="([^"]+)"/.exec(xml)?.[1];
    const t = /<fieldtype>([^<]+)<\/fieldtype>/.exec(xml)?.[1] ?? 'TEXT';
    if (id) out[id] = t === 'CHECKBOX' ? { type: 'checkbox' } : t === 'INTEGER' ? { type: 'integer' } : text;
  }
  return out;
}

/** Adds the fields to `schema` in place (the schema of one emulated account: `env.tasks.schema`). */
export function addEntityAndOrderFields(schema: Record<string, RecordDef>): void {
  const customer = schema.customer;
  Object.assign(customer.body, { firstname: text, lastname: text, email: text, phone: text, isperson: { type: 'checkbox' } }, entityCustomFields());
  Object.assign(schema.salesorder.body, {
    email: text,
    shipmethod: { type: 'select', ref: ['shipitem'] },
    shippingcost: { type: 'float' },
    shipaddressee: text,
    shipaddr1: text,
    shipaddr2: text,
    shipcity: text,
    shipstate: text,
    shipzip: text,
    shipcountry: text,
    shipphone: text,
  } satisfies Record<string, FieldDef>);
}
