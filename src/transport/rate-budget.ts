import { createHash } from "node:crypto";
import type { FixedRateLimit } from "../core/base-llm-config.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { type ReportedLimit, readRateLimitHeaders } from "./rate-limit-headers.js";

type Headers = Readonly<Record<string, string | string[] | undefined>>;

interface Bucket {
  capacity: number;
  available: number;
  ratePerMs: number;
  /** The tightest lower bound of the refill rate seen so far (0 until one is known). */
  rateLowerBound: number;
}

/** A granted turn. Report every response's headers, then settle once with the real prompt tokens. */
export interface Reservation {
  observe(headers: Headers): void;
  settle(actualPromptTokens?: number): void;
}

interface Waiter {
  /** Tokens this request will be charged (prompt plus max output), computed on first need. */
  cost: () => number;
  prompt: () => number;
  resolve: (reservation: Reservation) => void;
  reject: (error: LLMError) => void;
  cleanup: () => void;
}

const PER_MINUTE_MS = 60_000;

/**
 * A client-side request and token budget for one (api_base, key, model), shared by every client in
 * the process. Learned from `x-ratelimit-*` headers (the reset time gives the refill rate), or
 * fixed. Requests wait their turn first in first out; until the first response's headers arrive,
 * one request goes alone.
 */
export class RateBudget {
  #requests: Bucket | undefined;
  #tokens: Bucket | undefined;
  #state: "unknown" | "probing" | "learned" | "unlimited";
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refilledAt = Date.now();
  readonly #fixed: boolean;

  constructor(fixed?: Readonly<FixedRateLimit>) {
    this.#state = fixed ? "learned" : "unknown";
    if (fixed?.requests_per_minute) this.#requests = full(fixed.requests_per_minute);
    if (fixed?.tokens_per_minute) this.#tokens = full(fixed.tokens_per_minute);
    this.#fixed = fixed !== undefined;
  }

  /** Waits for this request's turn. Rejects with `aborted`, or `timeout` at `deadlineAt`. */
  acquire(options: {
    promptTokens: () => number;
    maxTokens: number;
    signal?: AbortSignal | undefined;
    deadlineAt?: number | undefined;
  }): Promise<Reservation> {
    if (this.#state === "unlimited") return Promise.resolve(this.#reservation(0, 0, false));
    if (this.#state === "unknown" && this.#queue.length === 0) {
      this.#state = "probing";
      return Promise.resolve(this.#reservation(0, 0, true));
    }
    let memo: number | undefined;
    const prompt = () => (memo ??= options.promptTokens());
    return new Promise<Reservation>((resolve, reject) => {
      const { signal, deadlineAt } = options;
      if (signal?.aborted) return reject(abortedByCaller());
      let deadlineTimer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
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
        deadlineTimer = setTimeout(
          () =>
            leave(
              new LLMError({
                kind: "timeout",
                message: "total_timeout exceeded while waiting for rate-limit budget",
              }),
            ),
          Math.max(0, deadlineAt - Date.now()),
        );
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #reservation(promptTokens: number, charged: number, probe: boolean): Reservation {
    let responded = false;
    let settled = false;
    return {
      observe: (headers) => {
        responded = true;
        if (this.#learn(headers)) this.#pump();
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
        if (probe && this.#state === "probing") this.#state = responded ? "unlimited" : "unknown";
        this.#pump();
      },
    };
  }

  /** Updates the buckets from a response's headers; `true` when they carried limits. */
  #learn(headers: Headers): boolean {
    if (this.#fixed) return false;
    const reported = readRateLimitHeaders(headers);
    if (!reported.requests && !reported.tokens) return false;
    this.#refill();
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
      if (bucket) bucket.available = Math.min(bucket.capacity, bucket.available + elapsed * bucket.ratePerMs);
    }
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#state === "probing") return;
    if (this.#state === "unknown") {
      const next = this.#queue.shift();
      if (next === undefined) return;
      next.cleanup();
      this.#state = "probing";
      next.resolve(this.#reservation(0, 0, true));
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
      const waitMs = Math.max(waitFor(this.#requests, 1), waitFor(this.#tokens, tokens));
      if (waitMs > 0) {
        this.#timer = setTimeout(() => this.#pump(), Math.ceil(waitMs));
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

function waitFor(bucket: Bucket | undefined, needed: number): number {
  if (bucket === undefined || bucket.available >= needed) return 0;
  return (needed - bucket.available) / bucket.ratePerMs;
}

const budgets = new Map<string, RateBudget>();

/** The process-wide budget of (api_base, key, model); `undefined` when pacing is off. */
export function rateBudgetFor(options: {
  apiBase: string;
  apiKey: string;
  model: string;
  mode: "auto" | false | Readonly<FixedRateLimit>;
}): RateBudget | undefined {
  if (options.mode === false) return undefined;
  const keyHash = createHash("sha256").update(options.apiKey).digest("hex").slice(0, 16);
  const fixed =
    options.mode === "auto"
      ? "auto"
      : `${options.mode.requests_per_minute}/${options.mode.tokens_per_minute}`;
  const id = `${options.apiBase}\n${keyHash}\n${options.model}\n${fixed}`;
  let budget = budgets.get(id);
  if (budget === undefined) {
    budget = new RateBudget(options.mode === "auto" ? undefined : options.mode);
    budgets.set(id, budget);
  }
  return budget;
}
