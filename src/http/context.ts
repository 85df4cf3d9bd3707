import type { Logger } from 'pino';
import type { Database } from '../db/client';
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
