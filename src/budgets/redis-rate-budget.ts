import { randomBytes } from "node:crypto";
import type { FixedRateLimit } from "../core/base-llm-config.js";
import { CallAbort } from "../core/call-abort.js";
import { abortedByCaller } from "../core/llm-error.js";
import { abortableDelay } from "../transport/abortable-delay.js";
import { FleetView } from "./fleet-view.js";
import { LocalRateBudget } from "./local-rate-budget.js";
import { budgetTimeout, tooLongWait } from "./token-bucket.js";
import {
  type AcquireOptions,
  type BudgetHeaders,
  FIRST_WAVE_REQUESTS,
  FIRST_WAVE_TOKENS,
  type RateBudget,
  type Reservation,
} from "./rate-budget.js";
import { readRateLimitHeaders } from "../transport/rate-limit-headers.js";
import type { BudgetReply } from "./redis-client.js";
import type { RedisConnection } from "./redis-connection.js";

/** Budgets nobody has used for this long expire from Redis, in ms. */
const BUDGET_TTL_MS = 10 * 60_000;
/** How often a request checks whether the fleet's probe has answered, in ms. */
const PROBE_POLL_MS = 25;
/** Longest a waiter follows this process's poller before it asks Redis itself, in ms. */
const FOLLOW_MAX_MS = 2000;

/**
 * A rate budget shared by every process that uses the same Redis, api_base, key and model. Each
 * reservation is one atomic script call that debits the shared buckets and says how long to wait;
 * what any process learns from `x-ratelimit-*` headers and 429s is written back for all. When
 * Redis does not answer within its timeout, this process's own {@link LocalRateBudget} (kept warm
 * with the same headers) takes over until Redis is back.
 */
export class RedisRateBudget implements RateBudget {
  readonly #connection: RedisConnection;
  readonly #keys: [string, string];
  readonly #fixed: Readonly<FixedRateLimit> | undefined;
  readonly #probeLeaseMs: number;
  readonly #fallback: LocalRateBudget;

  constructor(options: {
    connection: RedisConnection;
    /** A hash naming the budget (api_base, a hash of the key, model, mode); never the key. */
    id: string;
    fixed: Readonly<FixedRateLimit> | undefined;
    /** How long the fleet waits for a probe that never reports back (its process died), in ms. */
    probeLeaseMs: number;
  }) {
    this.#connection = options.connection;
    this.#keys = [`director-llm:{${options.id}}:budget`, `director-llm:{${options.id}}:pending`];
    this.#fixed = options.fixed;
    this.#probeLeaseMs = options.probeLeaseMs;
    this.#fallback = new LocalRateBudget(options.fixed);
  }

  /** Resolves when this process's poller (see `acquire`) has learned more than "poll". */
  #pollWait: Promise<void> | undefined;

  /** The shared budget may have a token bucket that this process has not seen yet. */
  readonly countsTokens = true;
  readonly shared = true;

  close(): Promise<void> {
    return this.#connection.close();
  }

  async acquire(options: AcquireOptions): Promise<Reservation> {
    const { signal, deadlineAt } = options;
    const id = randomBytes(8).toString("hex");
    const prompt = Math.ceil(options.promptTokens);
    /** This call polls for the fleet's probe on behalf of every waiter of this process. */
    let polling: (() => void) | undefined;
    try {
      for (;;) {
        if (signal?.aborted) throw abortedByCaller(signal);
        // While another waiter of this process polls for the fleet's probe, wait for what it
        // learns instead of asking Redis too: Redis commands grow with requests, not with waiters.
        if (polling === undefined && this.#pollWait !== undefined) {
          await this.#followPoll(signal, deadlineAt);
          continue;
        }
        const reply = await this.#reserve(id, prompt, options);
        if (reply === undefined) {
          const local = await this.#acquireUntilBack(options);
          if (local !== undefined) return local;
          continue;
        }
        this.#fleet.answered(reply[3]);
        const [outcome] = reply;
        if (outcome === "poll" && polling === undefined && this.#pollWait !== undefined) {
          // Another waiter of this process already polls: follow it.
          await this.#followPoll(signal, deadlineAt);
          continue;
        }
        if (outcome === "poll" && polling === undefined) {
          let release = () => {};
          this.#pollWait = new Promise<void>((resolve) => {
            release = resolve;
          });
          polling = () => {
            this.#pollWait = undefined;
            release();
          };
        } else if (outcome !== "poll" && polling !== undefined) {
          polling();
          polling = undefined;
        }
        const granted = await this.#settleReply(reply, id, prompt, options);
        if (granted !== undefined) return granted;
      }
    } finally {
      polling?.();
    }
  }

  /** What this process knows of the fleet beyond Redis's answers (queue, share, outage). */
  readonly #fleet = new FleetView();

  /**
   * Waits on the in-process fallback budget while Redis is down; `undefined` when Redis answers
   * again first: the call then takes its place in the shared budget instead of sending on the
   * local one beside the fleet's (which would double the rate just as Redis returns).
   */
  async #acquireUntilBack(options: AcquireOptions): Promise<Reservation | undefined> {
    if (this.#fleet.fellBack()) {
      // This process's part of the fleet's rate, and what Redis granted the fleet for later
      // (which still goes): the fallback keeps to the one and waits for the other.
      const share = this.#fleet.recentShare(this.#fallback.learned()?.requests?.ratePerMs);
      if (share !== undefined) this.#fallback.shareAtMost(share);
      this.#fallback.busyFor(this.#fleet.queueAheadMs());
    }
    const handover = new CallAbort(options.signal);
    const back = Symbol("redis is back");
    const release = this.#connection.watchBack(() => handover.abort(back));
    try {
      return await this.#fallback.acquire({ ...options, signal: handover });
    } catch (error) {
      if (handover.reason === back && !options.signal?.aborted) return undefined;
      throw error;
    } finally {
      release();
      handover.dispose();
    }
  }

  /** Waits for this process's poller to learn something (bounded: a lost poller never holds the others). */
  async #followPoll(signal: AcquireOptions["signal"], deadlineAt: number | undefined): Promise<void> {
    const wait = this.#pollWait;
    if (wait === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(
        resolve,
        Math.max(
          1,
          Math.min(FOLLOW_MAX_MS, deadlineAt === undefined ? FOLLOW_MAX_MS : deadlineAt - performance.now()),
        ),
      );
    });
    const aborted = new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(abortedByCaller(signal));
      signal?.addEventListener("abort", () => reject(abortedByCaller(signal)), { once: true });
    });
    aborted.catch(() => {});
    try {
      await Promise.race([wait, bound, aborted]);
    } finally {
      clearTimeout(timer);
    }
    if (deadlineAt !== undefined && performance.now() >= deadlineAt) throw budgetTimeout();
  }

  #reserve(id: string, prompt: number, options: AcquireOptions) {
    const known = this.#fallback.learned();
    return this.#run("reserve", [
      id,
      prompt + options.maxTokens,
      this.#probeLeaseMs,
      this.#fixed?.requests_per_minute ?? "",
      this.#fixed?.tokens_per_minute ?? "",
      PROBE_POLL_MS,
      FIRST_WAVE_REQUESTS,
      FIRST_WAVE_TOKENS,
      known?.requests?.capacity ?? "",
      known?.requests?.ratePerMs ?? "",
      known?.tokens?.capacity ?? "",
      known?.tokens?.ratePerMs ?? "",
      this.#fleet.outageMs() ?? "",
      this.#fleet.queueAheadMs(),
      this.#fleet.epoch,
      this.#fleet.ownQueueMs(),
    ]);
  }

  /**
   * Acts on a reservation reply: a probe or a grant is returned (after its wait); a poll waits
   * and resolves `undefined` (ask again). Deadlines and `maxWaitMs` are checked first.
   */
  async #settleReply(
    reply: BudgetReply,
    id: string,
    prompt: number,
    options: AcquireOptions,
  ): Promise<Reservation | undefined> {
    const { signal, deadlineAt } = options;
    {
      const [outcome, waitMs, tokens] = reply;
      if (outcome === "probe")
        return this.#reservation({
          id,
          prompt: 0,
          tokens: 0,
          requests: 0,
          wave: prompt + options.maxTokens,
        });
      // "go": debited, send after waitMs; "poll": another process probes, ask again after waitMs.
      const reservation =
        outcome === "go" ? this.#reservation({ id, prompt, tokens, requests: 1 }) : undefined;
      if (deadlineAt !== undefined && performance.now() + waitMs >= deadlineAt) {
        reservation?.cancel();
        throw budgetTimeout();
      }
      if (options.maxWaitMs !== undefined && waitMs > options.maxWaitMs) {
        reservation?.cancel();
        throw tooLongWait(waitMs, options.maxWaitMs);
      }
      if (waitMs > 0) {
        if (reservation !== undefined) this.#fleet.granted(waitMs);
        try {
          // +1 ms: a timer may fire a millisecond early, and the bucket is exactly empty until then.
          await abortableDelay({ delayMs: waitMs + 1, signal, onAbort: () => abortedByCaller(signal) });
        } catch (error) {
          reservation?.cancel();
          throw error;
        }
      }
      if (reservation !== undefined) this.#fleet.sent();
      return reservation;
    }
  }

  #run(operation: string, args: (string | number)[]) {
    return this.#connection.run([...this.#keys, operation, BUDGET_TTL_MS, ...args]);
  }

  /** Fire and forget: a report that Redis misses only costs precision, never a request. */
  #send(operation: string, args: (string | number)[]): void {
    void this.#run(operation, args);
  }

  #reservation(grant: {
    id: string;
    /** The prompt tokens reserved (the rest of `tokens` is the output budget). */
    prompt: number;
    tokens: number;
    requests: number;
    /** The tokens of a first-wave request (sent before limits were known), else `undefined`. */
    wave?: number;
  }): Reservation & {
    cancel(): void;
  } {
    let responded = false;
    let settled = false;
    return {
      cancel: () => {
        settled = true;
        this.#send("cancel", [grant.id, grant.requests, grant.tokens]);
      },
      observe: (headers: BudgetHeaders) => {
        responded = true;
        this.#fallback.observe(headers);
        const reported = readRateLimitHeaders(headers);
        if (!reported.requests && !reported.tokens) return;
        const fields = (limit: typeof reported.requests) =>
          limit === undefined ? ["", "", ""] : [limit.limit, limit.remaining, limit.resetMs ?? ""];
        this.#send("observe", [...fields(reported.requests), ...fields(reported.tokens), grant.wave ?? ""]);
      },
      limited: (retryAfterMs: number) => {
        this.#fallback.limited(retryAfterMs, grant.wave !== undefined);
        this.#send("pause", [Math.ceil(retryAfterMs)]);
      },
      settle: (actualPromptTokens?: number) => {
        if (settled) return;
        settled = true;
        // What was reserved for the prompt, less what the server says it charged.
        const refund =
          grant.tokens > 0 && actualPromptTokens !== undefined && actualPromptTokens > 0
            ? grant.prompt - actualPromptTokens
            : 0;
        if (refund !== 0 || grant.wave !== undefined)
          this.#send("settle", [
            refund,
            grant.wave !== undefined ? 1 : 0,
            responded ? 1 : 0,
            grant.wave ?? 0,
          ]);
      },
    };
  }
}
