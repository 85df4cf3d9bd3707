/**
 * Job params: each job declares the params it accepts with a zod object schema
 * (`JobDefinition.params`); a job without one accepts none. Stored params
 * (`job_definitions.params`) and the params of one run are checked against it, and a problem is
 * reported as one message naming the param (`params.maxRowsPerFile: …`).
 */
import { z } from 'zod';
import { invalidField, type Failure } from '../domain/result';
import type { JobDefinition } from './registry';

export type ParamsCheck =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; field: string; message: string };

const NONE = z.object({}).strict();

/** The job's schema, strict (an unknown key is an error). */
export function paramsSchemaOf(job: Pick<JobDefinition, 'params'>): z.ZodType<Record<string, unknown>> {
  const s = job.params ?? NONE;
  return s instanceof z.ZodObject ? (s as z.ZodObject).strict() : s;
}

/** Validates params for a job; the first problem is returned, naming the param. */
export function checkParams(job: Pick<JobDefinition, 'name' | 'params'>, params: Record<string, unknown>): ParamsCheck {
  const r = paramsSchemaOf(job).safeParse(params);
  if (r.success) return { ok: true, params: params };
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const accepted = acceptedParams(job);
    return {
      ok: false, field: `params.${key}`,
      message: `params.${key}: unknown param of job ${job.name} (${accepted.length ? `accepted: ${accepted.join(', ')}` : 'it accepts no params'})`,
    };
  }
  const field = ['params', ...issue.path.map(String)].join('.');
  return { ok: false, field, message: `${field}: ${issue.message}` };
}

/**
 * The `invalid` failure of a refused check (`ParamsCheck`, `CronCheck`): its message already names
 * the field (`params.maxFiles: …`, `cron: …`), so it is kept as is rather than prefixed again.
 */
export function checkFailure(field: string, message: string): Failure {
  return { ...invalidField(field, message), message };
}

/** Names of the params a job accepts. */
export function acceptedParams(job: Pick<JobDefinition, 'params'>): string[] {
  const s = job.params;
  return s instanceof z.ZodObject ? Object.keys((s as z.ZodObject).shape) : [];
}

/** `stored` with `patch` applied: a `null` value removes the key. */
export function mergeParams(stored: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Parses `k=v` arguments (CLI `--param`): the value is JSON when it parses (`5`, `true`,
 * `{"CREDIT_CARD":"5"}`), else the text itself.
 */
export function parseParamArgs(args: string[]): { ok: true; params: Record<string, unknown> } | { ok: false; message: string } {
  const params: Record<string, unknown> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) return { ok: false, message: `--param ${JSON.stringify(a)}: expected key=value` };
    const value = a.slice(eq + 1);
    try { params[a.slice(0, eq)] = JSON.parse(value); } catch { params[a.slice(0, eq)] = value; }
  }
  return { ok: true, params };
}

/** Common param schemas. */
export const positiveInt = () => z.number().int().min(1);
