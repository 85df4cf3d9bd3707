/** Script parameters and governance of the running script. */
import * as runtime from 'N/runtime';

/** A script parameter as trimmed text ('' when unset). */
export function param(name: string): string {
  const v = runtime.getCurrentScript().getParameter({ name });
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(',');
  if (v instanceof Date) return v.toISOString();
  return String(v).trim();
}

/** An integer script parameter clamped to [min, max]; `def` when unset or not a number. */
export function intParam(name: string, def: number, min: number, max: number): number {
  const s = param(name);
  if (s === '') return def;
  const n = Number(s);
  if (!Number.isFinite(n)) return def;
  return Math.min(max, Math.max(min, Math.floor(n)));
}

export function remainingUsage(): number {
  return runtime.getCurrentScript().getRemainingUsage();
}

/** Busy wait (SuiteScript has no timers); only used by the optional in-run polling. */
export function pause(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* wait */
  }
}
