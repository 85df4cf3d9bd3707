/**
 * Sales Order Routing: the pure engine (no I/O). Contract: shared/contracts/routing.md.
 *
 * Typical use: `parseScenario(json)` or your own facts -> (resolve coordinates outside the
 * domain) -> `routeOrders(input)`; or `createRoutingContext` + `createStockState` and
 * `routeOrder` per order for a brokering run.
 */
export type {
  DecidedBy,
  ExceptionReason,
  Facility,
  FacilityType,
  InputIndex,
  FulfillmentSystem,
  InventoryLeft,
  LineQuantity,
  Order,
  OrderException,
  OrderItem,
  OrderResult,
  OrderStatus,
  Product,
  RouteInput,
  RouteOutput,
  Shipment,
  ShipTo,
  StockRow,
} from './types';
export {
  DEFAULT_SETTINGS,
  CONFLICTING_PAIRS,
  OVERRIDDEN_BY_PRODUCT_WAREHOUSE,
  validateSettings,
  withDefaults,
  settingsWarnings,
  type BooleanSettingKey,
  type RoutingSettings,
  type SettingsConflict,
  type SettingsValidation,
} from './settings';
export { EARTH_RADIUS_KM, distanceKm, distanceMetres, isPlaced } from './geo';
export {
  createRoutingContext,
  InvalidRoutingSettingsError,
  type RoutingContext,
  type StockState,
} from './context';
export { inventoryLeft, stockLeft, type StockLeft } from './stock-left';
export { createStockState } from './stock-state';
export { usZip } from './candidates';
export { routeOrder, routeOrders, routeOrdersView, type RouteOutputView } from './engine';
export { sortBrokeringQueue } from './queue';
export { parseScenarioWith, type ParsedScenario, type ScenarioParseResult, type ScenarioSchemas, type Unsure } from './scenario';
export { parseScenario, scenarioSchema, schemaIssue } from './scenario-schema';
export { partialSettingsSchema, routingSettingsSchema } from './settings-schema';
export { formatScenarioOutput, writeScenarioOutput, type ScenarioOutput } from './scenario-output';
