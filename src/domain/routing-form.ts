/**
 * How the routing profile editor presents the settings (pure, derived from `routing/settings.ts`):
 * the seed's groups (General rules, Special rules, Exception handling) with each setting's label
 * and help text in the seed's words, the mutually exclusive pairs with the reason to show, and the
 * rules "Assign Warehouse by Product" overrides. Served by `GET /routing-settings`.
 */
import {
  CONFLICTING_PAIRS, DEFAULT_SETTINGS, OVERRIDDEN_BY_PRODUCT_WAREHOUSE, type BooleanSettingKey, type RoutingSettings,
} from './routing/settings';

export type SettingKey = keyof RoutingSettings;

export interface SettingField {
  key: SettingKey;
  label: string;
  help: string;
  /** Another group shows the same setting under this key (the seed lists it twice). */
  alsoIn?: RuleGroupId;
}

export type RuleGroupId = 'general' | 'special' | 'exception';
export interface RuleGroup { id: RuleGroupId; title: string; fields: SettingField[] }

/** Label and help of every setting, the seed's words (003_*.txt); the contract's where the seed has none (No Split Order). */
const FIELDS: Record<SettingKey, Omit<SettingField, 'key'>> = {
  preassignedCarrierSplitsOrder: {
    label: 'Preassigned Carrier Splits Order',
    help: 'When enabled, OMS automatically splits orders containing hazardous materials and assigns a designated carrier. '
      + 'The warehouse selection logic remains unchanged.',
  },
  assignWarehouseByZipCode: {
    label: 'Assign Warehouse by ZIP Code', help: 'Routes orders to warehouses within a defined ZIP code range. Ideal for region-based fulfillment.',
  },
  stayWithinDestinationMarket: {
    label: 'Stay within Destination Market', help: 'Ensures orders are fulfilled from warehouses located in the same country or market as the destination.',
  },
  autoCreateProduct: {
    label: 'Auto Create Product',
    help: 'Automatically creates product information if the item does not yet exist under Products. Enabled by default. '
      + 'Disable this option to prevent product exceptions.',
  },
  allowSplitFulfillment: {
    label: 'Allow Split Fulfillment', help: 'Enables OMS to split a single order into multiple shipments when stock is distributed across warehouses.',
  },
  noSplitOrder: {
    label: 'No Split Order',
    help: 'Every shipment of the order comes from one and the same facility. Mutually exclusive with Allow Split Fulfillment.',
  },
  sampleProductsCannotBeSplit: {
    label: 'Sample Products Cannot Be Split', help: 'Ensures sample orders remain as one shipment. Mutually exclusive with Allow Split Fulfillment.',
  },
  oneItemPerOrder: {
    label: 'One Item per Order', help: 'Forces each item in a sales order to be fulfilled separately. Cannot be enabled with Sample Products Cannot Be Split.',
  },
  shipFromClosestLocation: {
    label: 'Ship from Closest Location', help: 'Prioritizes the warehouse closest to the customer’s delivery address to minimize shipping time.',
  },
  assignWarehouseByAccountingCode: {
    label: 'Assign Warehouse by Accounting Code', help: 'Routes orders to a specific warehouse based on accounting or financial code.',
  },
  assignWarehouseByProduct: {
    label: 'Assign Warehouse by Product',
    help: 'Allocates orders based on product-level warehouse assignments, ignoring stock quantity. '
      + 'If this rule is active, all other warehouse routing rules are disabled.',
  },
  setOrderStatusToException: {
    label: 'Set Order Status to "Exception"', help: 'When stock is insufficient, OMS flags the order as an Exception.',
  },
  routeToHighestPriorityWarehouse: {
    label: 'Route to Highest-Priority Warehouse',
    help: 'If stock is insufficient, OMS routes the order to the top-ranked warehouse. Disabled by default (enable manually).',
  },
};

const field = (key: SettingKey, over: Partial<SettingField> = {}): SettingField => ({ key, ...FIELDS[key], ...over });

/** The seed's groups, in its order. Auto Create Product is listed under General rules and again under Exception handling. */
export const RULE_GROUPS: readonly RuleGroup[] = [
  {
    id: 'general', title: 'General rules',
    fields: (['preassignedCarrierSplitsOrder', 'assignWarehouseByZipCode', 'stayWithinDestinationMarket', 'autoCreateProduct', 'allowSplitFulfillment',
      'noSplitOrder', 'sampleProductsCannotBeSplit', 'oneItemPerOrder', 'shipFromClosestLocation'] as const).map((k) => field(k)),
  },
  { id: 'special', title: 'Special rules', fields: [field('assignWarehouseByAccountingCode'), field('assignWarehouseByProduct')] },
  {
    id: 'exception', title: 'Exception handling',
    fields: [
      field('autoCreateProduct', {
        label: 'Auto Create Product Information',
        help: 'Automatically adds new product info to OMS when it is not yet configured. The same setting as Auto Create Product.',
        alsoIn: 'general',
      }),
      field('setOrderStatusToException'), field('routeToHighestPriorityWarehouse'),
    ],
  },
];

/** Why two settings cannot both be on, in the seed's words where it gives them. */
const PAIR_REASONS: Record<string, string> = {
  'oneItemPerOrder+sampleProductsCannotBeSplit':
    'One Item per Order forces each item to be fulfilled separately, while Sample Products Cannot Be Split keeps a sample order as one shipment.',
  'allowSplitFulfillment+noSplitOrder':
    'Allow Split Fulfillment lets an order ship from several warehouses, while No Split Order ships all of it from one facility.',
  'allowSplitFulfillment+sampleProductsCannotBeSplit':
    'Sample Products Cannot Be Split ensures sample orders remain as one shipment: it is mutually exclusive with Allow Split Fulfillment.',
};

export interface ExclusivePair { a: BooleanSettingKey; b: BooleanSettingKey; reason: string }

/** Every mutually exclusive pair of the contract, with the reason to show. */
export const EXCLUSIVE_PAIRS: readonly ExclusivePair[] = CONFLICTING_PAIRS.map(([a, b]) => ({
  a, b, reason: PAIR_REASONS[`${a}+${b}`] ?? `${FIELDS[a].label} and ${FIELDS[b].label} are mutually exclusive.`,
}));

/** The pair that turning `key` on would break, given the other settings, if any. */
export function conflictOf(settings: Readonly<Record<string, unknown>>, key: SettingKey): ExclusivePair | undefined {
  return EXCLUSIVE_PAIRS.find((p) => (p.a === key && settings[p.b] === true) || (p.b === key && settings[p.a] === true));
}

/** What the editor needs to draw and check the form. */
export function routingForm() {
  return {
    groups: RULE_GROUPS,
    exclusivePairs: EXCLUSIVE_PAIRS,
    overriddenByProduct: OVERRIDDEN_BY_PRODUCT_WAREHOUSE,
    defaults: DEFAULT_SETTINGS,
  };
}
