import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db/client';
import type { Config } from '../config';
import type { Lifecycle } from '../lifecycle';
import type { JobRegistry } from '../jobs';
import type { AccessRule, Principal } from '../domain/access';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who makes the request, once authenticated (undefined on public routes and anonymous requests). */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Who may call the route (src/domain/access.ts). Every route declares one. */
    access?: AccessRule;
  }
}

/** The fastify instance the routes register on (zod schemas for params, query and body). */
export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

/** What the jobs API needs: the jobs it may run and, when the job system runs, its queue. */
export interface JobsContext {
  registry: JobRegistry;
  /** Without it, `?async=true` runs the job now like a plain run. */
  boss?: PgBoss;
  /**
   * `false`: this process runs no jobs (`OMS_JOBS=false`): every run asked for is queued through
   * `boss` for a worker of another process (202), or refused (409) when there is no queue. Default true.
   */
  runsHere?: boolean;
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
  /**
   * The credential this server wrote into its owner lock (src/db/owner.ts) for the CLI of its host:
   * `Authorization: Bearer <it>` acts as the local admin `cli` while this process lives.
   */
  localCredential?: string;
  /** The time sessions and tokens are checked against; default the system clock. */
  clock?: () => Date;
}

/** Runs a mutating use case in one transaction: the route owns it (commits on return, rolls back on a throw). */
export function inTransaction<T>(ctx: HttpContext, useCase: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction(useCase);
}

/** The principal of a request that passed the access hook (src/http/auth.ts); a route whose rule is public has none. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error(`no principal on ${req.method} ${req.routeOptions.url}: its rule is public`);
  return req.principal;
}

/** Who acts: the authenticated principal's user name (history rows, rejections and runs record it). */
export const actorOf = (req: FastifyRequest): string => principalOf(req).username;
