import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db/client';
import type { Config } from '../config';
import type { Lifecycle } from '../lifecycle';
import type { JobRegistry } from '../jobs';

/** The fastify instance the routes register on (zod schemas for params, query and body). */
export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

/** What the jobs API needs: the jobs it may run and, when the job system runs, its queue. */
export interface JobsContext {
  registry: JobRegistry;
  /** Without it, `?async=true` runs the job now like a plain run. */
  boss?: PgBoss;
}

/** What the HTTP routes need; built by the composition root (src/main.ts). */
export interface HttpContext {
  database: Database;
  config: Config;
  log: Logger;
  /** Serving or draining (SIGTERM): `/health` answers 503 and job runs are refused while draining. */
  lifecycle?: Lifecycle;
  /** The jobs API (`/jobs…`) is served when given. */
  jobs?: JobsContext;
  /** Routes from outside `http` (the web app), registered after the API's own routes. */
  plugins?: ((app: App) => void | Promise<void>)[];
}

/** Runs a mutating use case in one transaction: the route owns it (commits on return, rolls back on a throw). */
export function inTransaction<T>(ctx: HttpContext, useCase: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction(useCase);
}

/** Who acts: the `x-oms-user` header, else `fallback`. */
export function actorOf(req: { headers: Record<string, unknown> }, fallback: string): string {
  const user = req.headers['x-oms-user'];
  return user === undefined ? fallback : String(user);
}
