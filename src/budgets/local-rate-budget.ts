import type { FixedRateLimit } from "../core/base-llm-config.js";
import { abortedByCaller, type LLMError } from "../core/llm-error.js";
import { timerDelay } from "../transport/timer-limits.js";
import {
  type AcquireOptions,
  type BudgetHeaders,
  joinsFirstWave,
  type RateBudget,
  type Reservation,
} from "./rate-budget.js";
import { readRateLimitHeaders } from "../transport/rate-limit-headers.js";
import { type Bucket, budgetTimeout, full, tooLongWait, update, waitFor } from "./token-bucket.js";

interface Waiter {
  maxWaitMs: number;
  /** Tokens this request will be charged: its prompt plus the max output it sends. */
  cost: number;
  prompt: number;
  resolve: (reservation: Reservation) => void;
  reject: (error: LLMError) => void;
  cleanup: () => void;
}

/** The smallest share of the learned rate this process will use after repeated 429s. */
const MIN_SHARE = 1 / 16;
/** Share regained per successful response after a 429 (additive increase). */
const SHARE_RECOVERY = 0.01;

/**
 * A client-side request and token budget for one (api_base, key, model), in this process. Learned
 * from `x-ratelimit-*` headers (the reset time gives the refill rate), or fixed. Requests wait
 * their turn first in first out; until the first response's headers arrive, a first wave goes
 * (see {@link joinsFirstWave}) and the rest wait for what it learns. Other processes on the same
 * key show in the headers (more missing than the wave this process sent) and in 429s: a 429 that
 * says when to come back pauses every waiter until then and halves the share of the learned rate
 * (and burst) this process uses (not for the wave's own burst); each success wins a little back.
 */
/** A limit learned from headers: the bucket's size and its refill rate. */
export interface LearnedLimit {
  capacity: number;
  ratePerMs: number;
}

export class LocalRateBudget implements RateBudget {
  #requests: Bucket | undefined;
  #tokens: Bucket | undefined;
  #state: "unknown" | "probing" | "learned" | "unlimited";
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refilledAt = performance.now();
  #pausedUntil = 0;
  /** The first wave's requests and tokens in flight while probing. */
  #waveRequests = 0;
  #waveTokens = 0;
  /** Fraction of the learned refill rate used: 1 until a 429 says others share the key. */
  #share = 1;
  readonly #fixed: boolean;

  constructor(fixed?: Readonly<FixedRateLimit>) {
    this.#state = fixed ? "learned" : "unknown";
    if (fixed?.requests_per_minute) this.#requests = full(fixed.requests_per_minute);
    if (fixed?.tokens_per_minute) this.#tokens = full(fixed.tokens_per_minute);
    this.#fixed = fixed !== undefined;
  }

  readonly shared = false;

  get countsTokens(): boolean {
    return this.#state !== "unlimited" && (this.#state !== "learned" || this.#tokens !== undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The limits this process has learned from headers (capacity and refill rate per ms), or
   * `undefined` before any: what a shared budget that lost its state can start from.
   */
  learned(): { requests: LearnedLimit | undefined; tokens: LearnedLimit | undefined } | undefined {
    if (this.#fixed || this.#state !== "learned" || (!this.#requests && !this.#tokens)) return undefined;
    const limit = (bucket: Bucket | undefined) =>
      bucket && { capacity: bucket.capacity, ratePerMs: bucket.ratePerMs };
    return { requests: limit(this.#requests), tokens: limit(this.#tokens) };
  }

  /** Uses at most `share` of the learned rate (never less than the 1/16 floor) until successes win it back. */
  shareAtMost(share: number): void {
    this.#refill();
    this.#share = Math.max(MIN_SHARE, Math.min(this.#share, share));
  }

  /**
   * Takes the next `ms` of the rate as spent: requests granted outside this budget (a shared
   * budget's queue when this one takes over) are still to be sent. The buckets are empty and
   * start refilling only then, whatever share this process later falls to.
   */
  busyFor(ms: number): void {
    if (ms <= 0) return;
    this.#refill();
    for (const bucket of [this.#requests, this.#tokens])
      if (bucket) bucket.available = Math.min(bucket.available, 0);
    const until = performance.now() + ms;
    this.#refilledAt = Math.max(this.#refilledAt, until);
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#pump();
  }

  grantNow(options: AcquireOptions): Reservation | undefined {
    if (this.#state === "unlimited" && this.#pausedUntil <= performance.now()) return this.#reservation(0, 0);
    const cost = options.promptTokens + options.maxTokens;
    if (this.#joinsWave(cost) && this.#queue.length === 0) return this.#probe(cost);
    return undefined;
  }

  acquire(options: AcquireOptions): Promise<Reservation> {
    const granted = this.grantNow(options);
    if (granted !== undefined) return Promise.resolve(granted);
    const prompt = options.promptTokens;
    return new Promise<Reservation>((resolve, reject) => {
      const { signal, deadlineAt } = options;
      if (signal?.aborted) return reject(abortedByCaller(signal));
      let deadlineTimer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        maxWaitMs: options.maxWaitMs ?? Number.POSITIVE_INFINITY,
        prompt,
        cost: prompt + options.maxTokens,
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
      const onAbort = () => leave(abortedByCaller(signal));
      signal?.addEventListener("abort", onAbort, { once: true });
      if (deadlineAt !== undefined) {
        deadlineTimer = setTimeout(() => leave(budgetTimeout()), timerDelay(deadlineAt - performance.now()));
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /**
   * Learns from headers seen outside a reservation (the Redis budget keeps its fallback warm);
   * `waveCost`: the reporting request was of the first wave and reserved that many tokens.
   */
  observe(headers: BudgetHeaders, waveCost?: number): void {
    if (this.#learn(headers, waveCost)) this.#pump();
  }

  /**
   * Pauses every waiter for `retryAfterMs` and halves this process's share of the rate, unless
   * `ownBurst`: a first-wave request, sent before any limit was known, met a burst it caused.
   */
  limited(retryAfterMs: number, ownBurst = false): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + retryAfterMs);
    if (!ownBurst) this.#share = Math.max(MIN_SHARE, this.#share / 2);
    this.#pump();
  }

  #joinsWave(cost: number): boolean {
    if (this.#state === "unknown") return true;
    return this.#state === "probing" && joinsFirstWave(this.#waveRequests, this.#waveTokens, cost);
  }

  /** A request of the first wave, which goes before any limits are known. */
  #probe(cost: number): Reservation {
    if (this.#state === "unknown") {
      this.#state = "probing";
      this.#waveRequests = 0;
      this.#waveTokens = 0;
    }
    this.#waveRequests += 1;
    this.#waveTokens += cost;
    return this.#reservation(0, 0, cost);
  }

  /** `wave`: the cost of a first-wave request, `undefined` for every other one. */
  #reservation(promptTokens: number, charged: number, wave?: number): Reservation {
    let responded = false;
    let refused = false;
    let settled = false;
    return {
      observe: (headers) => {
        responded = true;
        this.observe(headers, wave);
      },
      limited: (retryAfterMs) => {
        refused = true;
        this.limited(retryAfterMs, wave !== undefined);
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
        if (wave !== undefined && this.#state === "probing") {
          this.#waveRequests -= 1;
          this.#waveTokens -= wave;
          // A response without limits: none to keep; no response: the next request probes again.
          if (responded) this.#state = "unlimited";
          else if (this.#waveRequests === 0) this.#state = "unknown";
        }
        this.#pump();
      },
    };
  }

  /** Updates the buckets from a response's headers; `true` when they carried limits. */
  #learn(headers: BudgetHeaders, waveCost = 0): boolean {
    if (this.#fixed) return false;
    const reported = readRateLimitHeaders(headers);
    if (!reported.requests && !reported.tokens) return false;
    this.#refill();
    if (this.#state === "probing" && reported.requests && !this.#requests) {
      // The first report: this process has sent its first wave; more missing means others share the key.
      const missing = reported.requests.limit - reported.requests.remaining;
      const sent = Math.max(1, this.#waveRequests);
      if (missing > sent) this.#share = Math.max(MIN_SHARE, sent / missing);
    }
    const first = this.#state === "probing";
    if (reported.requests) this.#requests = update(this.#requests, reported.requests);
    if (reported.tokens) this.#tokens = update(this.#tokens, reported.tokens);
    if (first) {
      // The rest of the first wave may not have reached the server when it answered this one:
      // count it as spent (if it was, the next reports say so; the bucket refills meanwhile).
      if (this.#requests) this.#requests.available -= Math.max(0, this.#waveRequests - 1);
      if (this.#tokens) this.#tokens.available -= Math.max(0, this.#waveTokens - waveCost);
    }
    this.#state = "learned";
    return true;
  }

  #refill(): void {
    const now = performance.now();
    // Refilling starts again only at the end of a stretch taken as spent (see busyFor).
    if (now <= this.#refilledAt) return;
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
    return head === undefined || this.#tokens === undefined ? 0 : Math.min(head.cost, this.#tokens.capacity);
  }

  /** Fails every waiter whose `maxWaitMs` is shorter than `waitMs`, with `rate_limit` (nothing was sent). */
  #refuseLongerThan(waitMs: number): void {
    for (let index = this.#queue.length - 1; index >= 0; index -= 1) {
      const waiter = this.#queue[index]!;
      if (waitMs <= waiter.maxWaitMs) continue;
      this.#queue.splice(index, 1);
      waiter.cleanup();
      waiter.reject(tooLongWait(waitMs, waiter.maxWaitMs));
    }
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
    const pausedMs = this.#pausedUntil - performance.now();
    if (pausedMs > 0) {
      // A waiter that will not wait this long fails now, as the Redis budget's do, rather than
      // sitting out a pause (an hour's retry-after) it would refuse anyway.
      this.#refuseLongerThan(pausedMs);
      if (this.#queue.length > 0) this.#schedule(pausedMs);
      return;
    }
    if (this.#state === "unknown" || this.#state === "probing") {
      while (this.#queue.length > 0 && this.#joinsWave(this.#queue[0]!.cost)) {
        const next = this.#queue.shift()!;
        next.cleanup();
        next.resolve(this.#probe(next.cost));
      }
      return;
    }
    this.#refill();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (this.#state === "unlimited") {
        this.#queue.shift();
        head.cleanup();
        head.resolve(this.#reservation(0, 0));
        continue;
      }
      const tokens = this.#tokens ? Math.min(head.cost, this.#tokens.capacity) : 0;
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
      head.resolve(this.#reservation(this.#tokens ? head.prompt : 0, tokens));
    }
  }
}
