import type { RetryBackoff } from "../core/base-llm-config.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { abortableDelay } from "./abortable-delay.js";

/** What each attempt is told by the retry loop. */
export interface AttemptContext {
  /** 0 for the first attempt. */
  attempt: number;
  /** Time this attempt may take, in ms: the per-attempt timeout, cut to what the deadline leaves. */
  timeoutMs: number;
  /** How to name that time limit in an error message. */
  timeoutLabel: string;
  /** Call when the request is actually handed to the network. */
  onSent: () => void;
}

export interface RetryOptions<T> {
  run: (context: AttemptContext) => Promise<T>;
  maxRetries: number;
  backoff: Readonly<Required<RetryBackoff>>;
  /** Per-attempt time limit, in ms. */
  attemptTimeoutMs: number;
  /** Absolute time (ms since epoch) by which the whole call must end, if any. */
  deadlineAt?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Asked before each retry; `false` stops retrying (a stream that already delivered parts). */
  canRetry?: (() => boolean) | undefined;
  /** Random source in [0, 1), for jitter. */
  random?: () => number;
  /** Told of each retry before its wait: the attempt that failed, why, and how long the wait is. */
  onRetry?: ((retry: { attempt: number; error: LLMError; delayMs: number }) => void) | undefined;
}

/** Exponential backoff with jitter: 0.75x to 1x of `initial * 2^retry`, capped at `max`. */
export function backoffDelayMs(
  retry: number,
  backoff: Readonly<Required<RetryBackoff>>,
  random: () => number,
): number {
  const base = Math.min(backoff.initial_delay_ms * 2 ** retry, backoff.max_delay_ms);
  return Math.round(base * (1 - random() * 0.25));
}

/** Most 429 waits one call takes without spending `max_retries` (their total time is bounded too). */
export const MAX_RATE_LIMIT_WAITS = 10;

/**
 * Runs `run` until it succeeds, fails in a way that cannot succeed later, or retries run out.
 * Honours the server's wait (`retry_after_ms`) up to `max_retry_after_ms`; a longer wait, or one
 * past the deadline, fails at once with the last error. A `rate_limit` error that says when to come
 * back is a wait, not a failure: it does not spend `max_retries` while this call's 429 waits add up
 * to at most `max_retry_after_ms` (and {@link MAX_RATE_LIMIT_WAITS}); past that it counts as a retry.
 * `attempts` (on the result, or on the error) says how many requests were sent.
 */
export async function retryWithBackoff<T>(options: RetryOptions<T>): Promise<{ value: T; attempts: number }> {
  const random = options.random ?? Math.random;
  let sent = 0;
  const onSent = () => {
    sent += 1;
  };
  let retries = 0;
  let rateLimitWaits = 0;
  let rateLimitWaitedMs = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (options.signal?.aborted) throw abortedByCaller(options.signal);
      let timeoutMs = options.attemptTimeoutMs;
      let timeoutLabel = `timeout of ${options.attemptTimeoutMs / 1000}s`;
      if (options.deadlineAt !== undefined) {
        const remaining = options.deadlineAt - Date.now();
        if (remaining <= 0)
          throw new LLMError({ kind: "timeout", message: "total_timeout exceeded", retryable: false });
        if (remaining < timeoutMs) {
          timeoutMs = remaining;
          timeoutLabel = "total_timeout";
        }
      }
      const value = await options.run({ attempt, timeoutMs, timeoutLabel, onSent });
      return { value, attempts: sent };
    } catch (caught) {
      if (!(caught instanceof LLMError)) throw caught;
      caught.attempts = sent;
      if (!caught.retryable) throw caught;
      const requested = caught.retry_after_ms;
      const maxWaitMs = options.backoff.max_retry_after_ms;
      const freeWait =
        caught.kind === "rate_limit" &&
        requested !== undefined &&
        rateLimitWaits < MAX_RATE_LIMIT_WAITS &&
        rateLimitWaitedMs + requested <= maxWaitMs;
      if (freeWait) {
        rateLimitWaits += 1;
        rateLimitWaitedMs += requested;
      } else {
        if (retries >= options.maxRetries) throw caught;
        retries += 1;
      }
      if (options.canRetry && !options.canRetry()) throw caught;
      if (requested !== undefined && requested > maxWaitMs) throw caught;
      const delayMs = requested ?? backoffDelayMs(retries - 1, options.backoff, random);
      if (options.deadlineAt !== undefined && Date.now() + delayMs >= options.deadlineAt) throw caught;
      options.onRetry?.({ attempt: sent, error: caught, delayMs });
      try {
        await abortableDelay({
          delayMs,
          signal: options.signal,
          onAbort: () => abortedByCaller(options.signal),
        });
      } catch (abort) {
        (abort as LLMError).attempts = sent;
        throw abort;
      }
    }
  }
}
