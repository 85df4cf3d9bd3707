/**
 * A routing profile: every setting with its contract default (the settings of the seed
 * `003_*.txt`). The zod schemas of the scenario file's `settings` and of the API's profile body
 * (`settings-schema.ts`) are built from these defaults; this module holds no zod, so routing a
 * scenario never loads it.
 */
export interface RoutingSettings {
  /** Hazmat items ship in a group of their own with the designated carrier. */
  preassignedCarrierSplitsOrder: { enabled: boolean; carrier: string | null };
  assignWarehouseByZipCode: boolean;
  stayWithinDestinationMarket: boolean;
  autoCreateProduct: boolean;
  allowSplitFulfillment: boolean;
  noSplitOrder: boolean;
  sampleProductsCannotBeSplit: boolean;
  oneItemPerOrder: boolean;
  shipFromClosestLocation: boolean;
  assignWarehouseByAccountingCode: boolean;
  assignWarehouseByProduct: boolean;
  setOrderStatusToException: boolean;
  routeToHighestPriorityWarehouse: boolean;
}

/** Boolean setting keys (every key except the carrier split object). */
export type BooleanSettingKey = Exclude<keyof RoutingSettings, 'preassignedCarrierSplitsOrder'>;

/** Contract defaults of a routing profile (frozen), in the contract's order of the settings. */
export const DEFAULT_SETTINGS: Readonly<RoutingSettings> = Object.freeze({
  preassignedCarrierSplitsOrder: Object.freeze({ enabled: false, carrier: null }),
  assignWarehouseByZipCode: false,
  stayWithinDestinationMarket: false,
  autoCreateProduct: true,
  allowSplitFulfillment: false,
  noSplitOrder: false,
  sampleProductsCannotBeSplit: false,
  oneItemPerOrder: false,
  shipFromClosestLocation: false,
  assignWarehouseByAccountingCode: false,
  assignWarehouseByProduct: false,
  setOrderStatusToException: true,
  routeToHighestPriorityWarehouse: false,
});

/** The boolean settings, in the contract's order. */
export const BOOLEAN_SETTING_KEYS = Object.keys(DEFAULT_SETTINGS).filter((k) => k !== 'preassignedCarrierSplitsOrder') as BooleanSettingKey[];

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
