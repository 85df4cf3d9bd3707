import { z } from 'zod';

/**
 * A routing profile, declared once: every setting with its contract default (the settings of the
 * seed `003_*.txt`). `RoutingSettings`, `DEFAULT_SETTINGS`, the scenario file's `settings` and the
 * profile body of the API (`app/routing-profiles.ts`) derive from it.
 */
export const routingSettingsSchema = z.object({
  /** Hazmat items ship in a group of their own with the designated carrier. */
  preassignedCarrierSplitsOrder: z
    .object({ enabled: z.boolean(), carrier: z.string().nullable().default(null) })
    .default({ enabled: false, carrier: null }),
  assignWarehouseByZipCode: z.boolean().default(false),
  stayWithinDestinationMarket: z.boolean().default(false),
  autoCreateProduct: z.boolean().default(true),
  allowSplitFulfillment: z.boolean().default(false),
  noSplitOrder: z.boolean().default(false),
  sampleProductsCannotBeSplit: z.boolean().default(false),
  oneItemPerOrder: z.boolean().default(false),
  shipFromClosestLocation: z.boolean().default(false),
  assignWarehouseByAccountingCode: z.boolean().default(false),
  assignWarehouseByProduct: z.boolean().default(false),
  setOrderStatusToException: z.boolean().default(true),
  routeToHighestPriorityWarehouse: z.boolean().default(false),
});

/** One routing profile, every setting present. */
export type RoutingSettings = z.output<typeof routingSettingsSchema>;

/** Boolean setting keys (every key except the carrier split object). */
export type BooleanSettingKey = Exclude<keyof RoutingSettings, 'preassignedCarrierSplitsOrder'>;

type SettingsShape = typeof routingSettingsSchema.shape;

/**
 * Every setting optional and without its default, carrying no messages of its own: missing keys
 * stay missing (`withDefaults` fills them in later). Unknown keys are dropped; the profile body
 * of the API refuses them (`.strict()`), and the scenario file words the messages its own way.
 */
export const partialSettingsSchema = z.object(
  Object.fromEntries(Object.entries(routingSettingsSchema.shape).map(([key, s]) => [key, s.unwrap().optional()])) as {
    [K in keyof SettingsShape]: z.ZodOptional<ReturnType<SettingsShape[K]['unwrap']>>;
  },
);

const defaults = routingSettingsSchema.parse({});
Object.freeze(defaults.preassignedCarrierSplitsOrder);

/** Contract defaults of a routing profile (frozen). */
export const DEFAULT_SETTINGS: Readonly<RoutingSettings> = Object.freeze(defaults);

/** The mutually exclusive pairs of the contract, in the order they are reported. */
export const CONFLICTING_PAIRS: ReadonlyArray<readonly [BooleanSettingKey, BooleanSettingKey]> = [
  ['oneItemPerOrder', 'sampleProductsCannotBeSplit'],
  ['allowSplitFulfillment', 'noSplitOrder'],
  ['allowSplitFulfillment', 'sampleProductsCannotBeSplit'],
];

/**
 * Rules that `assignWarehouseByProduct` switches off when they are on: the warehouse routing
 * rules, plus `routeToHighestPriorityWarehouse` (stock is ignored, so it can never fire).
 */
export const OVERRIDDEN_BY_PRODUCT_WAREHOUSE: readonly BooleanSettingKey[] = [
  'assignWarehouseByZipCode',
  'stayWithinDestinationMarket',
  'allowSplitFulfillment',
  'noSplitOrder',
  'sampleProductsCannotBeSplit',
  'oneItemPerOrder',
  'shipFromClosestLocation',
  'assignWarehouseByAccountingCode',
  'routeToHighestPriorityWarehouse',
];

/** A mutually exclusive pair that is on. */
export interface SettingsConflict {
  a: BooleanSettingKey;
  b: BooleanSettingKey;
}

/** Result of `validateSettings`: the full profile and its warnings, or why it is refused. */
export type SettingsValidation =
  | { ok: true; settings: RoutingSettings; warnings: string[] }
  | {
      ok: false;
      /** Every mutually exclusive pair that is on. */
      conflicts: SettingsConflict[];
      /** Other bad input, e.g. a carrier split without a carrier. */
      problems: string[];
      /** One message naming every conflicting pair and problem. */
      message: string;
    };

/** Fills defaults into a partial profile (no validation). */
export function withDefaults(partial: Partial<RoutingSettings> | undefined): RoutingSettings {
  const p = partial ?? {};
  const carrierSplit = p.preassignedCarrierSplitsOrder ?? DEFAULT_SETTINGS.preassignedCarrierSplitsOrder;
  return {
    ...DEFAULT_SETTINGS,
    ...stripUndefined(p),
    preassignedCarrierSplitsOrder: {
      enabled: carrierSplit.enabled === true,
      carrier: carrierSplit.carrier ?? null,
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * Validates a (partial) routing profile: fills defaults, refuses mutually exclusive pairs and a
 * carrier split without a carrier, and warns about rules overridden by `assignWarehouseByProduct`.
 */
export function validateSettings(partial: Partial<RoutingSettings> | undefined): SettingsValidation {
  const settings = withDefaults(partial);
  const conflicts: SettingsConflict[] = [];
  for (const [a, b] of CONFLICTING_PAIRS) if (settings[a] && settings[b]) conflicts.push({ a, b });
  const problems: string[] = [];
  const split = settings.preassignedCarrierSplitsOrder;
  if (split.enabled && (split.carrier === null || split.carrier.trim() === '')) {
    problems.push('preassignedCarrierSplitsOrder is enabled but has no carrier');
  }
  if (conflicts.length > 0 || problems.length > 0) {
    const parts: string[] = [];
    if (conflicts.length > 0) {
      parts.push(
        `conflicting settings: ${conflicts.map((c) => `${c.a} with ${c.b}`).join('; ')} (mutually exclusive)`,
      );
    }
    parts.push(...problems);
    return { ok: false, conflicts, problems, message: parts.join('; ') };
  }
  return { ok: true, settings, warnings: settingsWarnings(settings) };
}

/** Warnings a valid profile carries into every order result. */
export function settingsWarnings(settings: RoutingSettings): string[] {
  if (!settings.assignWarehouseByProduct) return [];
  return OVERRIDDEN_BY_PRODUCT_WAREHOUSE.filter((k) => settings[k]).map(
    (k) => `${k} is ignored: assignWarehouseByProduct overrides it`,
  );
}
