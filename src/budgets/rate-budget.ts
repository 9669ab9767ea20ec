import type { CallSignal } from "../core/call-abort.js";
/** Response headers as undici hands them over. */
export type BudgetHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A granted turn. Report every response's headers, a 429's wait, then settle once. */
export interface Reservation {
  /** A response's headers arrived (its `x-ratelimit-*` values teach the budget). */
  observe(headers: BudgetHeaders): void;
  /** The server refused with a 429 that says when to come back: every waiter pauses until then. */
  limited(retryAfterMs: number): void;
  /** The attempt is over; `actualPromptTokens` (from `usage`) refunds what was over-reserved. */
  settle(actualPromptTokens?: number): void;
}

/** What a request asks of a budget. */
export interface AcquireOptions {
  /** The prompt's tokens (0 when the budget said it does not count them: `countsTokens`). */
  promptTokens: number;
  /** The output budget the request sends: OpenAI's limiter charges it up front. */
  maxTokens: number;
  signal?: CallSignal | undefined;
  /** Monotonic time (`performance.now()`, ms) by which the whole call must end. */
  deadlineAt?: number | undefined;
  /** Longest wait for budget, in ms; a longer one fails at once as `rate_limit` (like a long `retry-after`). */
  maxWaitMs?: number | undefined;
}

/**
 * A client-side request and token budget for one (api_base, key, model). Two backends implement
 * it: {@link LocalRateBudget} (in this process) and {@link RedisRateBudget} (shared by a fleet
 * through Redis, falling back to a local one when Redis fails).
 */
export interface RateBudget {
  /** Waits for this request's turn. Rejects with `aborted`, or `timeout` at `deadlineAt`. */
  acquire(options: AcquireOptions): Promise<Reservation>;
  /**
   * The turn at once when nothing has to wait (the usual case), else `undefined` (then call
   * `acquire`). Optional: a backend that always asks someone (Redis) leaves it out.
   */
  grantNow?(options: AcquireOptions): Reservation | undefined;
  /** Whether `acquire` may need the prompt's tokens (counting is skipped when it does not). */
  readonly countsTokens: boolean;
  /** Whether the budget is the fleet's, shared through Redis (as configured; a Redis outage falls back locally). */
  readonly shared: boolean;
  /** Releases connections the budget holds (none for the local one). */
  close(): Promise<void>;
}

/**
 * Before any limits are known, a first wave goes at once: up to this many requests (and
 * {@link FIRST_WAVE_TOKENS}), so a burst is not held back behind one slow answer for a server that
 * may send no rate-limit headers at all. Within OpenAI's lowest paid tier (500 requests and 30,000
 * tokens per minute); a wave that still meets a 429 pauses the budget, without taking it as a
 * sign that others share the key.
 */
export const FIRST_WAVE_REQUESTS = 8;
/** The tokens (prompts plus the `max_tokens` they send) the first wave may reserve in all. */
export const FIRST_WAVE_TOKENS = 24_000;

/** Whether one more request of `cost` tokens joins the first wave (the first one always does). */
export function joinsFirstWave(inFlight: number, tokensInFlight: number, cost: number): boolean {
  return inFlight === 0 || (inFlight < FIRST_WAVE_REQUESTS && tokensInFlight + cost <= FIRST_WAVE_TOKENS);
}
