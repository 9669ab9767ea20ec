import type { LLMResponse } from "../core/llm-response.js";

/** A client's lifetime usage. */
export interface LLMUsage {
  /** Calls made (`chat_completions` and streams), whatever their outcome. */
  calls: number;
  /** HTTP requests sent, retries included. */
  requests: number;
  send_tokens: number;
  recv_tokens: number;
  total_tokens: number;
  /** Sum of the known costs, USD. */
  cost: number;
  /** Calls whose cost is unknown (models without a price), so `cost` leaves them out. */
  calls_without_cost: number;
}

/** Adds up responses into an {@link LLMUsage}. */
export class UsageMeter {
  readonly #usage: LLMUsage = {
    calls: 0,
    requests: 0,
    send_tokens: 0,
    recv_tokens: 0,
    total_tokens: 0,
    cost: 0,
    calls_without_cost: 0,
  };

  record(response: LLMResponse): void {
    const usage = this.#usage;
    usage.calls += 1;
    usage.requests += response.attempts;
    usage.send_tokens += response.send_tokens;
    usage.recv_tokens += response.recv_tokens;
    usage.total_tokens += response.total_tokens;
    if (response.cost === undefined) usage.calls_without_cost += 1;
    else usage.cost = Math.round((usage.cost + response.cost) * 1e9) / 1e9;
  }

  snapshot(): LLMUsage {
    return { ...this.#usage };
  }
}
