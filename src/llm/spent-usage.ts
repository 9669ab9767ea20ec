import type { LLMResponse } from "../core/llm-response.js";

/** What earlier calls of one logical call spent (repairs, fallback members), to be added to its answer. */
export interface SpentUsage {
  send_tokens: number;
  recv_tokens: number;
  total_tokens: number;
  attempts: number;
  /** `undefined` once a call that used tokens had no known cost. */
  cost: number | undefined;
}

export function noSpentUsage(): SpentUsage {
  return { send_tokens: 0, recv_tokens: 0, total_tokens: 0, attempts: 0, cost: 0 };
}

/** Adds a response's usage to `spent`; a response that used no tokens costs nothing, priced or not. */
export function addSpentUsage(spent: SpentUsage, response: LLMResponse): void {
  spent.send_tokens += response.send_tokens;
  spent.recv_tokens += response.recv_tokens;
  spent.total_tokens += response.total_tokens;
  spent.attempts += response.attempts;
  if (response.cost !== undefined) {
    if (spent.cost !== undefined) spent.cost += response.cost;
  } else if (response.total_tokens > 0) spent.cost = undefined;
}

/** Charges `spent` to the response that ends the call (its cost stays unknown if it was). */
export function chargeSpentUsage(response: LLMResponse, spent: SpentUsage): LLMResponse {
  response.send_tokens += spent.send_tokens;
  response.recv_tokens += spent.recv_tokens;
  response.total_tokens += spent.total_tokens;
  response.attempts += spent.attempts;
  if (response.cost !== undefined)
    response.cost = spent.cost === undefined ? undefined : response.cost + spent.cost;
  return response;
}
