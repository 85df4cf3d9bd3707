/**
 * One mapping from outcomes to HTTP statuses and bodies, used by every route through `reply`:
 *
 * - a `Failure` (src/domain/result.ts): the status of its kind, body `{ error, message, errors?, details? }`;
 *   an operation the record's state forbids is `illegal_transition`, so 409;
 * - a no-op (`{ kind: 'noop' }`: the wanted state already holds, e.g. packing a packed item):
 *   200 `{ noop: true, message }`;
 * - a refusal of the server (`draining`, a `run_failed`, a job run `skipped`): its status, body
 *   `{ error, message, ... }`;
 * - anything else: the status of its kind (`created` 201, `queued` 202, a job run that `failed`
 *   500, otherwise 200) with the body `ok(result)`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

/** Request errors (schema validation, malformed JSON) as 400 `invalid`; anything unexpected as 500, logged. */
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
  if (err.statusCode && err.statusCode < 500) {
    return res.code(err.statusCode).send({ error: 'invalid', message: err.message });
  }
  req.log.error({ err }, 'unhandled error');
  return res.code(500).send({ error: 'internal', message: 'internal error' });
}
