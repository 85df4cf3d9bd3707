/**
 * Demo data: 20 stores and 3 NetSuite warehouses at real US ZIP codes, a few hundred apparel and
 * home products (some hazmat, some samples), uneven stock, and ~1,000 orders over the last days,
 * most approved and waiting in the brokering queue. Deterministic for a seed.
 *
 *   await seedDemo(db)                                  // 1,000 orders, seed 1, last 3 days
 *   await seedDemo(db, { orders: 50, seed: 7, days: 1 })
 */
export { seedDemo, type DemoProgress, type DemoSummary, type SeedDemoOptions } from './seed';
export { generateDemoData, DEFAULT_DEMO_DAYS, DEFAULT_DEMO_ORDERS, DEFAULT_DEMO_SEED, type DemoData, type DemoDataOptions } from './generate';
export { DEMO_FACILITY_IDS, STORE_IDS, WAREHOUSE_IDS } from './places';
export type { DemoProduct } from './products';
export { DEMO_USERS, type DemoUser } from './users';
export type { DemoCustomer } from './order-gen';
