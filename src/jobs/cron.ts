/**
 * Cron expressions of job schedules, checked with croner. pg-boss fires schedules at minute
 * granularity (its own parser is cron-parser), so only the classic 5 fields are accepted:
 * minute hour day-of-month month day-of-week. No seconds field, no `@daily` nicknames.
 */
import { Cron } from 'croner';

/** Crons are evaluated in this zone unless the job system is given another one. */
export const DEFAULT_JOB_TIMEZONE = 'UTC';

export type CronCheck = { ok: true; cron: string } | { ok: false; message: string };

/** Validates a cron; the message names `cron` so callers can show it as a field error. */
export function checkCron(input: unknown, timezone = DEFAULT_JOB_TIMEZONE): CronCheck {
  if (typeof input !== 'string' || !input.trim()) return { ok: false, message: 'cron: is required (5 fields: minute hour day month weekday)' };
  const cron = input.trim().split(/\s+/).join(' ');
  if (cron.split(' ').length !== 5) {
    return { ok: false, message: `cron: "${input}" must have exactly 5 fields (minute hour day month weekday)` };
  }
  try {
    const next = new Cron(cron, { paused: true, timezone }).nextRun();
    if (!next) return { ok: false, message: `cron: "${cron}" never fires` };
  } catch (e) {
    return { ok: false, message: `cron: "${cron}" is invalid: ${(e as Error).message}` };
  }
  return { ok: true, cron };
}

/** The next occurrence after `from`, or null when the cron is absent or invalid. */
export function nextCronRun(cron: string | null | undefined, from: Date = new Date(), timezone = DEFAULT_JOB_TIMEZONE): Date | null {
  if (!cron) return null;
  try {
    return new Cron(cron, { paused: true, timezone }).nextRun(from) ?? null;
  } catch {
    return null;
  }
}
