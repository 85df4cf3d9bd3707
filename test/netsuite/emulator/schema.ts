/**
 * The fields that the emulated records hold, with their types: what a CSV import validates a cell
 * against. Standard fields of the records the scripts and maps touch are listed here; custom
 * fields (`custbody_*`, `custcol_*`) come from the SDF objects in `netsuite/src/Objects/` (globbed,
 * `<fieldtype>` read), so a renamed custom field is known by its new id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTS_DIR } from './importMaps';

export type FieldType = 'text' | 'integer' | 'float' | 'checkbox' | 'date' | 'select';

export interface FieldDef {
  type: FieldType;
  /** Record types a select field may point to. */
  ref?: string[];
  /** A list field's values (internal ids of a standard list such as a sales order's status). */
  values?: string[];
  mandatory?: boolean;
}

export interface SublistDef {
  fields: Record<string, FieldDef>;
  /** Field that identifies a line (`line` on transaction item sublists). */
  lineKey?: string;
}

export interface RecordDef {
  body: Record<string, FieldDef>;
  sublists: Record<string, SublistDef>;
}

export const ITEM_TYPES = ['inventoryitem', 'noninventoryitem', 'serviceitem', 'kititem', 'assemblyitem'];

const text: FieldDef = { type: 'text' };
const select = (...ref: string[]): FieldDef => ({ type: 'select', ref });

const STANDARD: Record<string, RecordDef> = {
  salesorder: {
    body: {
      entity: { ...select('customer'), mandatory: true },
      subsidiary: select('subsidiary'),
      location: select('location'),
      trandate: { type: 'date' },
      tranid: text,
      externalid: text,
      memo: text,
      // Sales order status (Records Browser: salesorder › orderstatus): A Pending Approval, B Pending Fulfillment.
      orderstatus: { type: 'text', values: ['A', 'B'] },
    },
    sublists: {
      item: {
        lineKey: 'line',
        fields: {
          line: { type: 'integer' },
          item: { ...select(...ITEM_TYPES), mandatory: true },
          quantity: { type: 'float', mandatory: true },
          rate: { type: 'float' },
          location: select('location'),
          isclosed: { type: 'checkbox' },
        },
      },
    },
  },
  inventoryadjustment: {
    body: {
      account: { ...select('account'), mandatory: true },
      adjlocation: select('location'),
      subsidiary: { ...select('subsidiary'), mandatory: true },
      trandate: { type: 'date' },
      tranid: text,
      externalid: text,
      memo: text,
    },
    sublists: {
      inventory: {
        lineKey: 'line',
        fields: {
          line: { type: 'integer' },
          item: { ...select(...ITEM_TYPES), mandatory: true },
          location: { ...select('location'), mandatory: true },
          adjustqtyby: { type: 'float', mandatory: true },
        },
      },
    },
  },
  customer: { body: { entityid: text, externalid: text, email: text, subsidiary: select('subsidiary') }, sublists: {} },
  location: { body: { name: text, externalid: text, subsidiary: select('subsidiary') }, sublists: {} },
  inventoryitem: { body: { itemid: text, externalid: text }, sublists: {} },
};

const XML_TYPES: Record<string, FieldType> = {
  CHECKBOX: 'checkbox',
  TEXT: 'text',
  TEXTAREA: 'text',
  CLOBTEXT: 'text',
  INTEGER: 'integer',
  FLOAT: 'float',
  CURRENCY: 'float',
  DATE: 'date',
  DATETIMETZ: 'date',
  SELECT: 'select',
};

/** Custom transaction body / column fields declared by the SDF project. */
function customFields(): { body: Record<string, FieldDef>; column: Record<string, FieldDef> } {
  const body: Record<string, FieldDef> = {};
  const column: Record<string, FieldDef> = {};
  for (const f of readdirSync(OBJECTS_DIR).filter((n) => /^cust(body|col)_.*\.xml$/.test(n))) {
    const xml = readFileSync(join(OBJECTS_DIR, f), 'utf8');
    const id = /scriptid="([^"]+)"/.exec(xml)?.[1];
    const t = /<fieldtype>([^<]+)<\/fieldtype>/.exec(xml)?.[1] ?? 'TEXT';
    if (!id) continue;
    (id.startsWith('custbody') ? body : column)[id] = { type: XML_TYPES[t] ?? 'text' };
  }
  return { body, column };
}

/** Record definitions: standard fields plus the project's custom transaction fields. */
export function loadSchema(): Record<string, RecordDef> {
  const custom = customFields();
  const out: Record<string, RecordDef> = {};
  for (const [type, def] of Object.entries(STANDARD)) {
    const isTx = type === 'salesorder' || type === 'inventoryadjustment';
    out[type] = {
      body: { ...def.body, ...(isTx ? custom.body : {}) },
      sublists: Object.fromEntries(Object.entries(def.sublists).map(([id, s]) => [id, { ...s, fields: { ...s.fields, ...(isTx ? custom.column : {}) } }])),
    };
  }
  return out;
}
