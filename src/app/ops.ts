/** What operations watch: the health of the database and the gauges behind `/metrics`. */
import type { Database } from '../db/client';
import { migrationsCurrent } from '../db/migrate';
import {
  brokeredItemTotal, brokeringRunsByStatus, exceptionItemCount, jobRunsByStatus, ordersByStatus, ping, queuedItemCount,
} from '../db/ops.repo';

export interface DatabaseHealth {
  engine: Database['engine'];
  reachable: boolean;
  migrationsCurrent: boolean;
}

/** Reachable and every shipped migration applied. */
export async function databaseHealth(database: Database): Promise<DatabaseHealth> {
  let reachable = false, current = false;
  try {
    await ping(database.db);
    reachable = true;
    current = await migrationsCurrent(database);
  } catch { /* reported as not reachable / not current */ }
  return { engine: database.engine, reachable, migrationsCurrent: current };
}

/** The gauges of `/metrics`, each read at scrape time. */
export const gauges = {
  ordersByStatus: (d: Database) => ordersByStatus(d.db),
  queuedItems: (d: Database) => queuedItemCount(d.db),
  exceptionItems: (d: Database) => exceptionItemCount(d.db),
  brokeringRunsByStatus: (d: Database) => brokeringRunsByStatus(d.db),
  brokeredItems: (d: Database) => brokeredItemTotal(d.db),
  jobRunsByStatus: (d: Database) => jobRunsByStatus(d.db),
};
