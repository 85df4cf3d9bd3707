/**
 * The scenario format as zod schemas: the authority on each field's shape and message. The
 * hand-written checks of `scenario.ts` accept only what these schemas accept; an element those
 * checks refuse comes here for its message (or is accepted after all). `parseScenario` is the
 * parse with both; `oms route` loads this module (and zod) only for a file the checks refuse.
 */
import { z } from 'zod';
import { parseScenarioWith, type ScenarioParseResult, type ScenarioSchemas } from './scenario';
import { partialSettingsSchema } from './settings-schema';
import { FACILITY_TYPES, FULFILLMENT_SYSTEMS } from './types';

type Iss = { input?: unknown };
const req = (what: string) => (iss: Iss) => (iss.input === undefined ? 'is required' : `must be ${what}`);
const str = () => z.string({ error: req('a string') });
const id = () => str().min(1, { error: 'must not be empty' });
const bool = () => z.boolean({ error: req('true or false') });
const num = () => z.number({ error: req('a finite number') });
const wholeMin0 = () =>
  z
    .number({ error: req('a whole number >= 0') })
    .int({ error: 'must be a whole number >= 0' })
    .min(0, { error: 'must be a whole number >= 0' });
const positive = () =>
  z
    .number({ error: req('a positive integer') })
    .int({ error: 'must be a positive integer' })
    .positive({ error: 'must be a positive integer' });
const zip5 = () => str().regex(/^\d{5}/, { error: 'must start with 5 digits' });
const lat = () => num().min(-90, { error: 'must be between -90 and 90' }).max(90, { error: 'must be between -90 and 90' });
const lon = () => num().min(-180, { error: 'must be between -180 and 180' }).max(180, { error: 'must be between -180 and 180' });
const arr = <T extends z.ZodType>(item: T) => z.array(item, { error: req('an array') });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.object(shape, { error: req('an object') });

/**
 * Messages of the `settings` fields, worded like the rest of the file: their schema
 * (`partialSettingsSchema`) carries none of its own, as the profile body of the API shares it.
 */
const SETTINGS_EXPECTED: Readonly<Record<string, string>> = { object: 'an object', boolean: 'true or false', string: 'a string or null' };

function settingsMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.path?.[0] !== 'settings' || iss.code !== 'invalid_type') return undefined;
  return req(SETTINGS_EXPECTED[iss.expected] ?? iss.expected)(iss);
}

const facilitySchema = obj({
  id: id(),
  type: z.enum(FACILITY_TYPES, { error: req(`one of ${FACILITY_TYPES.join(', ')}`) }),
  fulfillmentSystem: z.enum(FULFILLMENT_SYSTEMS, { error: req(`one of ${FULFILLMENT_SYSTEMS.join(', ')}`) }).optional(),
  ranking: num(),
  country: id(),
  market: str().nullable().optional(),
  postalCode: str().nullable().optional(),
  latitude: lat().nullable().optional(),
  longitude: lon().nullable().optional(),
  zipRanges: arr(z.tuple([zip5(), zip5()], { error: req('a pair ["start ZIP", "end ZIP"]') })).optional(),
  accountingCodes: arr(str()).optional(),
  active: bool().optional(),
  safetyStock: wholeMin0().optional(),
  dailyOrderLimit: wholeMin0().nullable().optional(),
  ordersToday: wholeMin0().optional(),
});

const productSchema = obj({
  id: id(),
  hazmat: bool().optional(),
  sample: bool().optional(),
  warehouseId: str().nullable().optional(),
});

const stockSchema = obj({
  productId: id(),
  facilityId: id(),
  available: wholeMin0(),
  safetyStock: wholeMin0().optional(),
});

const orderSchema = obj({
  id: id(),
  accountingCode: str().nullable().optional(),
  priority: num().optional(),
  orderDate: str().optional(),
  shipTo: obj({
    country: id(),
    market: str().nullable().optional(),
    postalCode: str().nullable().optional(),
    latitude: lat().nullable().optional(),
    longitude: lon().nullable().optional(),
  }),
  items: arr(
    obj({
      seq: id(),
      productId: id(),
      quantity: positive(),
      rejectedFacilityIds: arr(str()).optional(),
    }),
  ).min(1, { error: 'must hold at least one item' }),
});

/** The scenario format as a zod schema: the authority on each field's shape and message. */
export const scenarioSchema = z.object(
  {
    settings: partialSettingsSchema.optional(),
    facilities: arr(facilitySchema),
    products: arr(productSchema),
    inventory: arr(stockSchema),
    orders: arr(orderSchema),
  },
  { error: (iss: Iss) => (iss.input === undefined ? 'is required' : 'must be a JSON object') },
);

/** Formats a zod path as `orders[2].items[0].quantity`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? 'scenario' : out;
}

/**
 * The first issue the format's schema (`scenarioSchema`) finds in a whole document, as
 * `parseScenario` words it ("field.path: message"); null when the schema accepts it. The slow,
 * plain way to the message `parseScenario` gives for a shape error.
 */
export function schemaIssue(json: unknown): string | null {
  const r = scenarioSchema.safeParse(json, { error: settingsMessage });
  return r.success ? null : failure(r.error.issues[0]).message;
}

/** The small parts of a scenario, parsed by zod as they are. */
const headSchema = z.object({ settings: partialSettingsSchema.optional(), facilities: arr(facilitySchema) });

type Failure = { ok: false; message: string };

function failure(iss: { path: readonly PropertyKey[]; message: string }, prefix: readonly PropertyKey[] = []): Failure {
  return { ok: false, message: `${formatPath([...prefix, ...iss.path])}: ${iss.message}` };
}

/** The schemas as `parseScenarioWith` consults them. */
export const scenarioSchemas: ScenarioSchemas = {
  head(doc) {
    const r = headSchema.safeParse({ settings: doc.settings, facilities: doc.facilities }, { error: settingsMessage });
    return r.success ? { ok: true, settings: r.data.settings, facilities: r.data.facilities as never } : failure(r.error.issues[0]);
  },
  element(key, x, i) {
    const r = elementSchemas[key].safeParse(x);
    return r.success ? { ok: true, value: r.data as never } : failure(r.error.issues[0], [key, i]);
  },
  whole: schemaIssue,
};

const elementSchemas = { products: productSchema, inventory: stockSchema, orders: orderSchema };

/**
 * Validates a parsed JSON document against the scenario format. On bad input returns one
 * message naming the field (or every conflicting settings pair). Extra fields are ignored; the
 * objects of the large arrays `products` and `inventory` are used as given (with any extra
 * fields on them), facilities and orders are copies without unknown fields.
 */
export function parseScenario(json: unknown): ScenarioParseResult {
  const r = parseScenarioWith(json, scenarioSchemas);
  if (r.ok === 'unsure') throw new Error('parseScenarioWith asked for the schemas it was given');
  return r;
}
