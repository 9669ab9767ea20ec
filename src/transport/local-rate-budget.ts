import type { FixedRateLimit } from "../core/base-llm-config.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { timerDelay } from "./timer-limits.js";
import type { AcquireOptions, BudgetHeaders, RateBudget, Reservation } from "./rate-budget.js";
import { type ReportedLimit, readRateLimitHeaders } from "./rate-limit-headers.js";

interface Bucket {
  capacity: number;
  available: number;
  ratePerMs: number;
  /** The tightest lower bound of the refill rate seen so far (0 until one is known). */
  rateLowerBound: number;
}

interface Waiter {
  maxWaitMs: number;
  /** Tokens this request will be charged (prompt plus max output), computed on first need. */
  cost: () => number;
  prompt: () => number;
  resolve: (reservation: Reservation) => void;
  reject: (error: LLMError) => void;
  cleanup: () => void;
}

const PER_MINUTE_MS = 60_000;
/**
 * How many requests go before the first response tells the limits. One: a larger first wave
 * would not wait for a whole answer, but 429s any server whose bucket is smaller than the wave
 * (Azure deployments with a few requests per minute); the mechanism takes any size.
 */
export const FIRST_WAVE = 1;
/** The smallest share of the learned rate this process will use after repeated 429s. */
const MIN_SHARE = 1 / 16;
/** Share regained per successful response after a 429 (additive increase). */
const SHARE_RECOVERY = 0.01;

/**
 * A client-side request and token budget for one (api_base, key, model), in this process. Learned
 * from `x-ratelimit-*` headers (the reset time gives the refill rate), or fixed. Requests wait
 * their turn first in first out; until the first response's headers arrive, a first wave of
 * {@link FIRST_WAVE} requests goes. Other processes on the same key show in the headers (more missing than this process
 * sent) and in 429s: a 429 that says when to come back pauses every waiter until then and halves
 * the share of the learned rate (and burst) this process uses; each success wins a little back.
 */
export class LocalRateBudget implements RateBudget {
  #requests: Bucket | undefined;
  #tokens: Bucket | undefined;
  #state: "unknown" | "probing" | "learned" | "unlimited";
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refilledAt = Date.now();
  #pausedUntil = 0;
  /** Fraction of the learned refill rate used: 1 until a 429 says others share the key. */
  #share = 1;
  /** First-wave requests sent before any limits were known, not yet settled. */
  #probesOut = 0;
  readonly #fixed: boolean;

  constructor(fixed?: Readonly<FixedRateLimit>) {
    this.#state = fixed ? "learned" : "unknown";
    if (fixed?.requests_per_minute) this.#requests = full(fixed.requests_per_minute);
    if (fixed?.tokens_per_minute) this.#tokens = full(fixed.tokens_per_minute);
    this.#fixed = fixed !== undefined;
  }

  /** The fraction of the learned rate this process currently uses (1 = all of it). */
  get share(): number {
    return this.#share;
  }

  get countsTokens(): boolean {
    return this.#state !== "unlimited" && (this.#state !== "learned" || this.#tokens !== undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  acquire(options: AcquireOptions): Promise<Reservation> {
    if (this.#state === "unlimited" && this.#pausedUntil <= Date.now())
      return Promise.resolve(this.#reservation(0, 0, false));
    if (this.#canProbe() && this.#queue.length === 0) return Promise.resolve(this.#probe());
    let memo: number | undefined;
    const prompt = () => (memo ??= options.promptTokens());
    return new Promise<Reservation>((resolve, reject) => {
      const { signal, deadlineAt } = options;
      if (signal?.aborted) return reject(abortedByCaller());
      let deadlineTimer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        maxWaitMs: options.maxWaitMs ?? Number.POSITIVE_INFINITY,
        prompt,
        cost: () => prompt() + options.maxTokens,
        resolve,
        reject,
        cleanup: () => {
          signal?.removeEventListener("abort", onAbort);
          if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
        },
      };
      const leave = (error: LLMError) => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        waiter.cleanup();
        reject(error);
        this.#pump();
      };
      const onAbort = () => leave(abortedByCaller());
      signal?.addEventListener("abort", onAbort, { once: true });
      if (deadlineAt !== undefined) {
        deadlineTimer = setTimeout(() => leave(budgetTimeout()), timerDelay(deadlineAt - Date.now()));
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Learns from headers seen outside a reservation (the Redis budget keeps its fallback warm). */
  observe(headers: BudgetHeaders): void {
    if (this.#learn(headers)) this.#pump();
  }

  /** Pauses every waiter for `retryAfterMs` and halves this process's share of the rate. */
  limited(retryAfterMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + retryAfterMs);
    this.#share = Math.max(MIN_SHARE, this.#share / 2);
    this.#pump();
  }

  /** Whether one more request of the first wave may go before any limits are known. */
  #canProbe(): boolean {
    return (this.#state === "unknown" || this.#state === "probing") && this.#probesOut < FIRST_WAVE;
  }

  #probe(): Reservation {
    this.#state = "probing";
    this.#probesOut += 1;
    return this.#reservation(0, 0, true);
  }

  #reservation(promptTokens: number, charged: number, probe: boolean): Reservation {
    let responded = false;
    let refused = false;
    let settled = false;
    return {
      observe: (headers) => {
        responded = true;
        this.observe(headers);
      },
      limited: (retryAfterMs) => {
        refused = true;
        this.limited(retryAfterMs);
      },
      settle: (actualPromptTokens) => {
        if (settled) return;
        settled = true;
        if (this.#tokens && charged > 0 && actualPromptTokens !== undefined && actualPromptTokens > 0) {
          this.#tokens.available = Math.min(
            this.#tokens.capacity,
            this.#tokens.available + promptTokens - actualPromptTokens,
          );
        }
        if (!refused && actualPromptTokens !== undefined && this.#share < 1) {
          this.#refill();
          this.#share = Math.min(1, this.#share + SHARE_RECOVERY);
        }
        if (probe) {
          this.#probesOut -= 1;
          if (this.#state === "probing" && responded) this.#state = "unlimited";
          else if (this.#state === "probing" && this.#probesOut === 0) this.#state = "unknown";
        }
        this.#pump();
      },
    };
  }

  /** Updates the buckets from a response's headers; `true` when they carried limits. */
  #learn(headers: BudgetHeaders): boolean {
    if (this.#fixed) return false;
    const reported = readRateLimitHeaders(headers);
    if (!reported.requests && !reported.tokens) return false;
    this.#refill();
    if (this.#state === "probing" && reported.requests && !this.#requests) {
      // The first report: this process has sent its first wave; more missing means others share the key.
      const missing = reported.requests.limit - reported.requests.remaining;
      const own = Math.max(1, this.#probesOut);
      if (missing > own) this.#share = Math.max(MIN_SHARE, own / missing);
    }
    if (reported.requests) this.#requests = update(this.#requests, reported.requests);
    if (reported.tokens) this.#tokens = update(this.#tokens, reported.tokens);
    this.#state = "learned";
    return true;
  }

  #refill(): void {
    const now = Date.now();
    const elapsed = now - this.#refilledAt;
    this.#refilledAt = now;
    for (const bucket of [this.#requests, this.#tokens]) {
      if (bucket) {
        // A share of the rate is also a share of the burst (bursts are what 429 a shared key),
        // but never less than the waiting request needs, or it could never go.
        const floor = bucket === this.#tokens ? this.#headTokens() : 1;
        bucket.available = Math.min(
          Math.max(floor, bucket.capacity * this.#share),
          bucket.available + elapsed * bucket.ratePerMs * this.#share,
        );
      }
    }
  }

  /** The tokens the head of the queue will be charged (0 when nobody waits). */
  #headTokens(): number {
    const head = this.#queue[0];
    return head === undefined || this.#tokens === undefined
      ? 0
      : Math.min(head.cost(), this.#tokens.capacity);
  }

  #schedule(waitMs: number): void {
    this.#timer = setTimeout(() => this.#pump(), Math.max(1, timerDelay(waitMs)));
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#queue.length === 0) return;
    const pausedMs = this.#pausedUntil - Date.now();
    if (pausedMs > 0) {
      this.#schedule(pausedMs);
      return;
    }
    if (this.#state === "unknown" || this.#state === "probing") {
      while (this.#canProbe() && this.#queue.length > 0) {
        const next = this.#queue.shift()!;
        next.cleanup();
        next.resolve(this.#probe());
      }
      return;
    }
    this.#refill();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (this.#state === "unlimited") {
        this.#queue.shift();
        head.cleanup();
        head.resolve(this.#reservation(0, 0, false));
        continue;
      }
      const tokens = this.#tokens ? Math.min(head.cost(), this.#tokens.capacity) : 0;
      // Counting a prompt can take a while (the tokenizer loads on first use): refill only now,
      // so that time is credited to a bucket still capped at its capacity, as the server's is.
      this.#refill();
      const rate = this.#share;
      const waitMs = Math.max(waitFor(this.#requests, 1, rate), waitFor(this.#tokens, tokens, rate));
      if (waitMs > head.maxWaitMs) {
        this.#queue.shift();
        head.cleanup();
        head.reject(tooLongWait(waitMs, head.maxWaitMs));
        continue;
      }
      if (waitMs > 0) {
        this.#schedule(waitMs);
        return;
      }
      this.#queue.shift();
      head.cleanup();
      if (this.#requests) this.#requests.available -= 1;
      if (this.#tokens) this.#tokens.available -= tokens;
      head.resolve(this.#reservation(this.#tokens ? head.prompt() : 0, tokens, false));
    }
  }
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

function full(perMinute: number): Bucket {
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
function update(bucket: Bucket | undefined, reported: ReportedLimit): Bucket {
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

function waitFor(bucket: Bucket | undefined, needed: number, share: number): number {
  if (bucket === undefined || bucket.available >= needed) return 0;
  return (needed - bucket.available) / (bucket.ratePerMs * share);
}
