import { LLMError } from "../core/llm-error.js";
import type { ReportedLimit } from "../transport/rate-limit-headers.js";

const PER_MINUTE_MS = 60_000;

/** One token bucket of a local budget (requests or tokens). */
export interface Bucket {
  capacity: number;
  available: number;
  ratePerMs: number;
  /** The tightest lower bound of the refill rate seen so far (0 until one is known). */
  rateLowerBound: number;
}

/** The error of a wait for budget that ran into the call's `total_timeout`. */
export function budgetTimeout(): LLMError {
  return new LLMError({
    kind: "timeout",
    message: "total_timeout exceeded while waiting for rate-limit budget",
  });
}

/** The error of a request whose turn is further away than the caller will wait. */
export function tooLongWait(waitMs: number, maxWaitMs: number): LLMError {
  return new LLMError({
    kind: "rate_limit",
    message: `the rate-limit budget allows this request only in ${Math.ceil(waitMs / 1000)} s, longer than max_retry_after_ms (${maxWaitMs} ms); nothing was sent`,
    retry_after_ms: Number.isFinite(waitMs) ? Math.ceil(waitMs) : undefined,
  });
}

export function full(perMinute: number): Bucket {
  return {
    capacity: perMinute,
    available: perMinute,
    ratePerMs: perMinute / PER_MINUTE_MS,
    rateLowerBound: 0,
  };
}

/**
 * Folds a response's report into a bucket. The server's `remaining` wins where it is lower (it has
 * seen requests we have not: other processes). The refill rate is what is missing over the time to
 * full: `(limit - remaining) / reset`. Servers round `remaining` down and `reset` up, so that
 * estimate can run a few percent fast when few units are missing, which is a 429 later; the rate
 * used is the tightest *lower* bound seen, `(limit - remaining - 1) / reset`, which closes in on the
 * true rate as reports arrive at different phases.
 */
export function update(bucket: Bucket | undefined, reported: ReportedLimit): Bucket {
  const next = bucket ?? {
    capacity: reported.limit,
    available: reported.remaining,
    ratePerMs: reported.limit / PER_MINUTE_MS,
    rateLowerBound: 0,
  };
  if (next.capacity !== reported.limit) next.rateLowerBound = 0;
  next.capacity = reported.limit;
  const missing = reported.limit - reported.remaining;
  if (reported.resetMs !== undefined && reported.resetMs > 0 && missing > 0) {
    next.rateLowerBound = Math.max(next.rateLowerBound, (missing - 1) / reported.resetMs);
    next.ratePerMs = next.rateLowerBound > 0 ? next.rateLowerBound : missing / reported.resetMs;
  }
  next.available = Math.min(next.available, reported.remaining);
  return next;
}

export function waitFor(bucket: Bucket | undefined, needed: number, share: number): number {
  if (bucket === undefined || bucket.available >= needed) return 0;
  return (needed - bucket.available) / (bucket.ratePerMs * share);
}
