/**
 * One mapping from outcomes to HTTP statuses and bodies, used by every route through `reply`:
 *
 * - a `Failure` (src/domain/result.ts): the status of its kind, body `{ error, message, errors?, details? }`;
 *   an operation the record's state forbids is `illegal_transition`, so 409;
 * - a no-op (`{ kind: 'noop' }`: the wanted state already holds, e.g. packing a packed item):
 *   200 `{ noop: true, message }`;
 * - a refusal of the server (`draining`, a `run_failed`, a job run `skipped`; no credentials 401,
 *   a role that may not 403, a session request that is not JSON 415, an unknown `Host` 421): its
 *   status, body `{ error, message, ... }`;
 * - anything else: the status of its kind (`created` 201, `queued` 202, a job run that `failed`
 *   500, otherwise 200) with the body `ok(result)`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseErrorOf, type DbError } from '../app/storage-errors';
import { isFailure, type Failure, type FailureKind } from '../domain/result';
import type { EnqueueResult, RunResult } from '../jobs';

const FAILURE_STATUS: Record<FailureKind, number> = {
  not_found: 404, invalid: 400, illegal_transition: 409, conflict: 409, unprocessable: 422,
};

/** The wanted state already holds: nothing was done, and that is a success. */
export type Noop = { kind: 'noop'; message: string };

/** Refusals of the server, neither the request's fault nor a success: status and `error` code. */
const REFUSALS = {
  /** The server is shutting down: no new run starts (or the run stopped for it). */
  draining: { status: 503, error: 'draining' },
  /** A brokering run started and failed; the body carries the run. */
  run_failed: { status: 500, error: 'run_failed' },
  /** A job run not started because the job is disabled or already running (a SKIPPED run records it). */
  skipped: { status: 409, error: 'conflict' },
  /** No valid session or API token (or a failed log-in). */
  unauthenticated: { status: 401, error: 'unauthorized' },
  /** The principal's role may not do this, or a cross-site request with a session cookie. */
  forbidden: { status: 403, error: 'forbidden' },
  /** A session-cookie request that is not JSON. */
  unsupported_media_type: { status: 415, error: 'unsupported_media_type' },
  /** A `Host` this server does not answer to (DNS rebinding). */
  misdirected: { status: 421, error: 'misdirected' },
} as const;

/** A refusal of the server; its other fields go into the body. */
export type Refusal = { kind: keyof typeof REFUSALS; message: string; [detail: string]: unknown };

/** Statuses of the outcomes that are neither a failure nor a refusal; any other kind is 200. */
const OUTCOME_STATUS: Record<string, number> = {
  created: 201,
  /** A job run queued for a worker, or one already waiting in the queue. */
  queued: 202,
  already_queued: 202,
  /** A job run that ran and failed: reported as the run it is, with the server's status. */
  failed: 500,
};

export function failureStatus(f: Failure): number {
  return FAILURE_STATUS[f.kind];
}

const isRefusal = (x: { kind: string }): x is Refusal => Object.hasOwn(REFUSALS, x.kind);

/** Sends `result` by the rule above; `ok` builds the body of a success. */
export function reply<T extends { kind: string }>(res: FastifyReply, result: T, ok: (r: Exclude<T, Failure | Noop | Refusal>) => unknown) {
  if (isFailure(result)) {
    const f = result as Failure;
    const extra = { ...('errors' in f ? { errors: f.errors } : {}), ...('details' in f && f.details ? { details: f.details } : {}) };
    return res.code(failureStatus(f)).send({ error: f.kind, message: f.message, ...extra });
  }
  if (result.kind === 'noop') return res.code(200).send({ noop: true, message: (result as unknown as Noop).message });
  if (isRefusal(result)) {
    const { kind, ...body } = result;
    return res.code(REFUSALS[kind].status).send({ error: REFUSALS[kind].error, ...body });
  }
  return res.code(OUTCOME_STATUS[result.kind] ?? 200).send(ok(result as Exclude<T, Failure | Noop | Refusal>));
}

/** The server is draining: no new run. */
export const draining = (message: string): Refusal => ({ kind: 'draining', message });

/**
 * A job run's outcome (run now, or queued) by the same rule: a skip is a refusal (`draining` when
 * the server drains), a completed or failed run is sent as it is, a queued one as `{ status, kind, … }`.
 */
export function replyRun(res: FastifyReply, r: RunResult | EnqueueResult) {
  if (r.kind === 'skipped') {
    const { kind: _skipped, ...rest } = r;
    return reply(res, { ...rest, kind: r.reason === 'draining' ? 'draining' : 'skipped' } as Refusal, () => null);
  }
  return reply(res, r, (x) => (x.kind === 'queued' || x.kind === 'already_queued' ? { status: x.kind, ...x } : x));
}

/** `/items/0/quantity` → `items[0].quantity` */
function pointerToField(path: string): string {
  return path.split('/').filter(Boolean).reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Unique indexes and checks by name → the request field they guard. */
const CONSTRAINT_FIELDS: Record<string, string> = {
  products_pkey: 'id', facilities_pkey: 'id', products_sku_uq: 'sku', orders_external_uq: 'externalId',
  customers_external_uq: 'customer.externalId', profiles_channel_uq: 'salesChannel',
  items_qty_chk: 'quantity', inv_on_hand_chk: 'onHand', facilities_type_chk: 'type', facilities_fs_chk: 'fulfillmentSystem',
};
const camel = (column: string) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The request field a database error is about, when the error names one. */
function fieldOf(e: DbError): string | undefined {
  if (e.constraint && CONSTRAINT_FIELDS[e.constraint]) return CONSTRAINT_FIELDS[e.constraint];
  if (e.column) return camel(e.column);
  const key = /^Key \(([a-z_]+)\)=/.exec(e.detail ?? '');
  return key ? camel(key[1]) : undefined;
}

/** SQLSTATEs of a value the database refused (too long, out of range, not storable, missing, unknown reference). */
const BAD_VALUE = /^(22001|22003|22007|22008|22021|22P02|22P05|23502|23503|23514|54000)$/;

/**
 * A database error that slipped past validation, as a 4xx naming the field when it can be
 * attributed: a unique violation is 409 with its column, a refused value 400. Never carries the
 * query, its parameters or the row's values.
 */
export function databaseFailure(err: unknown): { status: number; body: Record<string, unknown> } | undefined {
  const e = databaseErrorOf(err);
  const field = e && fieldOf(e);
  if (!e || !field) return undefined;
  if (e.code === '23505') {
    const message = `${field}: already taken by another record`;
    return { status: 409, body: { error: 'conflict', message, errors: [{ field, message: 'already taken by another record' }] } };
  }
  if (!BAD_VALUE.test(e.code)) return undefined;
  const what = e.code === '23503' ? 'refers to a record that does not exist'
    : e.code === '23502' ? 'is required' : 'cannot be stored (too long, out of range or not valid text)';
  return { status: 400, body: { error: 'invalid', message: `${field}: ${what}`, errors: [{ field, message: what }] } };
}

/** What the log may say of an unexpected error: never a query's parameters (they hold customers' names and addresses). */
function loggable(err: unknown): Record<string, unknown> {
  const e = databaseErrorOf(err);
  if (e) return { type: 'DatabaseError', code: e.code, message: e.message, constraint: e.constraint, table: e.table, column: e.column };
  const x = err as Error;
  return { type: x?.name, message: x?.message, stack: x?.stack };
}

/** A client over its request budget: `retryAfter` in seconds when the rate-limit plugin set Retry-After. */
function rateLimited(err: FastifyError, res: FastifyReply) {
  const retryAfter = Number(res.getHeader('retry-after'));
  return { error: 'rate_limited', message: err.message, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}) };
}

/** A body over the route's limit, naming the limit in bytes. */
function payloadTooLarge(req: FastifyRequest) {
  const limit = req.routeOptions?.bodyLimit;
  const message = limit ? `request body is too large: the limit of this route is ${limit} bytes` : 'request body is too large';
  return { error: 'payload_too_large', message, ...(limit ? { limitBytes: limit } : {}) };
}

/**
 * Request errors (schema validation, malformed JSON) as 400 `invalid`; a client over its rate limit as
 * 429 `rate_limited`, a body over the route's limit as 413 `payload_too_large`; a database error as
 * `databaseFailure` says; anything else 500 with an error id, logged.
 */
export function errorHandler(err: FastifyError, req: FastifyRequest, res: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const errors = err.validation.map((v) => {
      const field = pointerToField(v.instancePath) || where;
      const message = /received undefined$/.test(v.message ?? '') ? 'is required' : v.message;
      return { field, message: message ?? 'is invalid' };
    });
    return res.code(400).send({ error: 'invalid', message: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors });
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
    return res.code(400).send({ error: 'invalid', message: `body: malformed JSON (${err.message})`, errors: [{ field: 'body', message: 'malformed JSON' }] });
  }
  if (err.statusCode === 429) return res.code(429).send(rateLimited(err, res));
  if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return res.code(413).send(payloadTooLarge(req));
  if (err.statusCode && err.statusCode < 500 && !databaseErrorOf(err)) {
    return res.code(err.statusCode).send({ error: 'invalid', message: err.message });
  }
  const known = databaseFailure(err);
  if (known) return res.code(known.status).send(known.body);
  const errorId = randomUUID();
  req.log.error({ errorId, err: loggable(err) }, 'unhandled error');
  return res.code(500).send({ error: 'internal', message: `internal error (error id ${errorId})`, errorId });
}
