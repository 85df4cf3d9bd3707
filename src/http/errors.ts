/** One mapping from expected business outcomes (and request errors) to HTTP statuses and bodies. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isFailure, type Failure } from '../app/result';

const STATUS: Record<Failure['kind'], number> = {
  not_found: 404, invalid: 400, illegal_transition: 409, conflict: 409, unprocessable: 422,
};

export function failureStatus(f: Failure): number {
  return STATUS[f.kind];
}

/** Sends a failure as `{ error, message, errors? }`, or the value `ok(result)` on success. */
export function reply<T extends { kind: string }>(res: FastifyReply, result: T, ok: (r: Exclude<T, Failure>) => unknown, status = 200) {
  if (isFailure(result)) {
    const f = result as Failure;
    return res.code(failureStatus(f)).send({ error: f.kind, message: f.message, ...('errors' in f ? { errors: f.errors } : {}), ...('details' in f && f.details ? { details: f.details } : {}) });
  }
  return res.code(status).send(ok(result as Exclude<T, Failure>));
}

/** `/items/0/quantity` → `items[0].quantity` */
function pointerToField(path: string): string {
  return path.split('/').filter(Boolean).reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

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
