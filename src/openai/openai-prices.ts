import { getModelInfo, type OpenAIChatModel } from "./openai-chat-model.js";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  /** Prompt tokens served from the cache. */
  cached_input: number;
  output: number;
  /** Prices of a request whose prompt is longer than `above` tokens (gpt-5.6: all tokens double). */
  long_context?: { above: number; input: number; cached_input: number; output: number };
}

/**
 * The day the price table was read from LiteLLM's public `model_prices_and_context_window.json`
 * (standard tier; the file most tools use), checked against OpenAI's published prices.
 */
export const PRICES_AS_OF = "2026-12-02";

/** Standard-tier list prices per million tokens, as of {@link PRICES_AS_OF}. */
export const OPENAI_PRICES: Readonly<Record<OpenAIChatModel, Readonly<ModelPrice>>> = Object.freeze({
  "gpt-4": { input: 30, cached_input: 30, output: 60 },
  "gpt-4-32k": { input: 60, cached_input: 60, output: 120 },
  "gpt-4-turbo": { input: 10, cached_input: 10, output: 30 },
  "gpt-4-turbo-preview": { input: 10, cached_input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, cached_input: 0.5, output: 1.5 },
  "gpt-4o": { input: 2.5, cached_input: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cached_input: 0.075, output: 0.6 },
  "gpt-4.1": { input: 2, cached_input: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cached_input: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cached_input: 0.025, output: 0.4 },
  o1: { input: 15, cached_input: 7.5, output: 60 },
  "o1-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
  o3: { input: 2, cached_input: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
  "o4-mini": { input: 1.1, cached_input: 0.275, output: 4.4 },
  "gpt-5": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cached_input: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cached_input: 0.005, output: 0.4 },
  "gpt-5.1": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5.2": { input: 1.75, cached_input: 0.175, output: 14 },
  "gpt-5.6": {
    input: 5,
    cached_input: 0.5,
    output: 30,
    long_context: { above: 272_000, input: 10, cached_input: 1, output: 45 },
  },
});

/**
 * Cost in USD of a call's usage: uncached prompt tokens at the input price, cached ones at the
 * cached price, completion tokens (reasoning included) at the output price. `undefined` for a
 * model not in the table: never a guess. `model` defaults to the usage's own.
 */
export function costOf(
  usage: { model?: string | undefined; send_tokens: number; recv_tokens: number; cached_tokens: number },
  model: string | undefined = usage.model,
): number | undefined {
  const info = model === undefined ? undefined : getModelInfo(model);
  if (info === undefined) return undefined;
  const listed = OPENAI_PRICES[info.id];
  const price =
    listed.long_context !== undefined && usage.send_tokens > listed.long_context.above
      ? listed.long_context
      : listed;
  return priceUsage(usage, price);
}

/** USD of a usage at per-million-token prices: uncached input, cached input, output. */
export function priceUsage(
  usage: { send_tokens: number; recv_tokens: number; cached_tokens: number },
  price: { input: number; cached_input: number; output: number },
): number {
  const cached = Math.min(usage.cached_tokens, usage.send_tokens);
  const micros =
    (usage.send_tokens - cached) * price.input +
    cached * price.cached_input +
    usage.recv_tokens * price.output;
  return Math.round(micros * 1e3) / 1e9;
}
