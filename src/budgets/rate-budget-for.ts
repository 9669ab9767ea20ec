import { createHash } from "node:crypto";
import type { FixedRateLimit } from "../core/base-llm-config.js";
import { LocalRateBudget } from "./local-rate-budget.js";
import type { RateBudget } from "./rate-budget.js";
import { redisConnectionFor } from "./redis-connection.js";
import { RedisRateBudget } from "./redis-rate-budget.js";

const budgets = new Map<string, RateBudget>();

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The budget of (api_base, key, model) that every client in this process shares; with `redisUrl`,
 * one that every process on that Redis shares. `undefined` when pacing is off.
 */
export function rateBudgetFor(options: {
  apiBase: string;
  apiKey: string;
  model: string;
  mode: "auto" | false | Readonly<FixedRateLimit>;
  redisUrl?: string | undefined;
  /** How long the fleet waits for a first request that never reports back, in ms. */
  probeLeaseMs: number;
}): RateBudget | undefined {
  if (options.mode === false) return undefined;
  const keyHash = sha256(options.apiKey).slice(0, 16);
  const fixed =
    options.mode === "auto"
      ? "auto"
      : `${options.mode.requests_per_minute}/${options.mode.tokens_per_minute}`;
  const id = `${options.apiBase}\n${keyHash}\n${options.model}\n${fixed}`;
  const where = options.redisUrl ?? "";
  let budget = budgets.get(`${where}\n${id}`);
  if (budget === undefined) {
    const fixedLimit = options.mode === "auto" ? undefined : options.mode;
    budget =
      options.redisUrl === undefined
        ? new LocalRateBudget(fixedLimit)
        : new RedisRateBudget({
            connection: redisConnectionFor(options.redisUrl),
            id: sha256(id).slice(0, 32),
            fixed: fixedLimit,
            probeLeaseMs: options.probeLeaseMs,
          });
    budgets.set(`${where}\n${id}`, budget);
  }
  return budget;
}
