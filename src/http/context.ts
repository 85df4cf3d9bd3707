import type { Logger } from 'pino';
import type { Database, Tx } from '../db/client';
import type { Config } from '../config';
import type { Lifecycle } from '../lifecycle';

/** What the HTTP routes need; built by the composition root (src/main.ts). */
export interface HttpContext {
  database: Database;
  config: Config;
  log: Logger;
  /** Serving or draining (SIGTERM): `/health` answers 503 and job runs are refused while draining. */
  lifecycle?: Lifecycle;
  /** Extra route plugins (brokering, feeds, jobs, store app) registered by the composition root. */
  plugins?: ((app: import('./server').App) => void | Promise<void>)[];
}

/** Runs a mutating use case in one transaction: the route owns it (commits on return, rolls back on a throw). */
export function inTransaction<T>(ctx: HttpContext, useCase: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction(useCase);
}
