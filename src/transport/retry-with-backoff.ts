import type { CallSignal } from "../core/call-abort.js";
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
  /** Monotonic time (`performance.now()`, ms) by which the whole call must end, if any. */
  deadlineAt?: number | undefined;
  signal?: CallSignal | undefined;
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

/** What one call's retry loop has spent so far. */
interface RetryState {
  sent: number;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitedMs: number;
  readonly onSent: () => void;
}

/**
 * Runs `run` until it succeeds, fails in a way that cannot succeed later, or retries run out.
 * Honours the server's wait (`retry_after_ms`) up to `max_retry_after_ms`; a longer wait, or one
 * past the deadline, fails at once with the last error. A `rate_limit` error that says when to come
 * back is a wait, not a failure: it does not spend `max_retries` while this call's 429 waits add up
 * to at most `max_retry_after_ms` (and {@link MAX_RATE_LIMIT_WAITS}); past that it counts as a retry.
 * `attempts` (on the result, or on the error) says how many requests were sent.
 *
 * The first attempt is chained directly onto `run`'s promise; the loop (an async function) starts
 * only once an attempt has failed, so the usual call costs no extra promises.
 */
export function retryWithBackoff<T>(options: RetryOptions<T>): Promise<{ value: T; attempts: number }> {
  const state: RetryState = {
    sent: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitedMs: 0,
    onSent: () => {
      state.sent += 1;
    },
  };
  let first: Promise<T>;
  try {
    first = options.run(attemptContext(options, 0, state));
  } catch (error) {
    first = Promise.reject(error);
  }
  return first.then(
    (value) => ({ value, attempts: state.sent }),
    (error: unknown) => retryAfterFailure(options, state, error),
  );
}

/** The context of attempt number `attempt`; throws when the call was aborted or is out of time. */
function attemptContext<T>(options: RetryOptions<T>, attempt: number, state: RetryState): AttemptContext {
  if (options.signal?.aborted) throw abortedByCaller(options.signal);
  let timeoutMs = options.attemptTimeoutMs;
  let timeoutLabel = `timeout of ${options.attemptTimeoutMs / 1000}s`;
  if (options.deadlineAt !== undefined) {
    const remaining = options.deadlineAt - performance.now();
    if (remaining <= 0)
      throw new LLMError({ kind: "timeout", message: "total_timeout exceeded", retryable: false });
    if (remaining < timeoutMs) {
      timeoutMs = remaining;
      timeoutLabel = "total_timeout";
    }
  }
  return { attempt, timeoutMs, timeoutLabel, onSent: state.onSent };
}

/** The loop after a failed attempt: wait as the failure allows, try again, until done. */
async function retryAfterFailure<T>(
  options: RetryOptions<T>,
  state: RetryState,
  firstError: unknown,
): Promise<{ value: T; attempts: number }> {
  await waitBeforeRetry(options, state, firstError);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const value = await options.run(attemptContext(options, attempt, state));
      return { value, attempts: state.sent };
    } catch (caught) {
      await waitBeforeRetry(options, state, caught);
    }
  }
}

/** Rethrows a failure that ends the call; otherwise waits the backoff or the server's wait. */
async function waitBeforeRetry<T>(
  options: RetryOptions<T>,
  state: RetryState,
  caught: unknown,
): Promise<void> {
  if (!(caught instanceof LLMError)) throw caught;
  caught.attempts = state.sent;
  if (!caught.retryable) throw caught;
  const requested = caught.retry_after_ms;
  const maxWaitMs = options.backoff.max_retry_after_ms;
  const freeWait =
    caught.kind === "rate_limit" &&
    requested !== undefined &&
    state.rateLimitWaits < MAX_RATE_LIMIT_WAITS &&
    state.rateLimitWaitedMs + requested <= maxWaitMs;
  if (freeWait) {
    state.rateLimitWaits += 1;
    state.rateLimitWaitedMs += requested;
  } else {
    if (state.retries >= options.maxRetries) throw caught;
    state.retries += 1;
  }
  if (options.canRetry && !options.canRetry()) throw caught;
  if (requested !== undefined && requested > maxWaitMs) throw caught;
  const delayMs =
    requested ?? backoffDelayMs(state.retries - 1, options.backoff, options.random ?? Math.random);
  if (options.deadlineAt !== undefined && performance.now() + delayMs >= options.deadlineAt) throw caught;
  options.onRetry?.({ attempt: state.sent, error: caught, delayMs });
  try {
    await abortableDelay({
      delayMs,
      signal: options.signal,
      onAbort: () => abortedByCaller(options.signal),
    });
  } catch (abort) {
    (abort as LLMError).attempts = state.sent;
    throw abort;
  }
}
