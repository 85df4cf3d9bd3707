/** Exponential backoff for (re)connecting. */

export interface RetryPolicy {
  /** Total attempts, including the first (default 5). */
  attempts?: number;
  /** Delay before the second attempt, doubled for each further one (default 1000 ms). */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 30 000 ms). */
  maxDelayMs?: number;
  /** Random spread of each delay, 0..1 (default 0.2: ±20 %). Use 0 for deterministic tests. */
  jitter?: number;
}

/** What is reported before each retry. */
export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Total attempts allowed. */
  attempts: number;
  /** Wait before the next attempt. */
  delayMs: number;
  error: Error;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 };

/** Delay after failed attempt `attempt` (1-based). */
export function backoffDelay(policy: Required<RetryPolicy>, attempt: number, random: () => number = Math.random): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const spread = raw * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(raw + spread));
}

export function resolveRetry(p: RetryPolicy | undefined): Required<RetryPolicy> {
  const r = { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(p ?? {}).filter(([, v]) => v !== undefined)) };
  r.attempts = Math.max(1, Math.floor(r.attempts));
  r.baseDelayMs = Math.max(0, r.baseDelayMs);
  r.maxDelayMs = Math.max(r.baseDelayMs, r.maxDelayMs);
  r.jitter = Math.min(1, Math.max(0, r.jitter));
  return r;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
