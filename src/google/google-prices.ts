import { type GoogleChatModel, getGoogleModelInfo } from "./google-chat-model.js";

/** USD per million tokens, for prompts up to the long-context threshold. */
export interface GooglePrice {
  /** Text, image and video input (audio input is priced higher on some models; see the docs). */
  input: number;
  /** Input read from a context cache (implicit or explicit). */
  cached: number;
  /** Output, thinking included. */
  output: number;
  /** Prompts longer than `threshold` tokens are billed at the `long` rates, for the whole request. */
  long?: { threshold: number; input: number; cached: number; output: number };
}

/** The day the table was taken from Google's published Gemini API list prices (paid tier, standard). */
export const GOOGLE_PRICES_AS_OF = "2026-12-06";

const long200k = (input: number, cached: number, output: number) => ({
  threshold: 200_000,
  input,
  cached,
  output,
});
const long128k = (input: number, cached: number, output: number) => ({
  threshold: 128_000,
  input,
  cached,
  output,
});

/** List prices per million tokens. Retired models keep their last price. */
export const GOOGLE_PRICES: Readonly<Record<GoogleChatModel, Readonly<GooglePrice>>> = Object.freeze({
  "gemini-1.5-flash": { input: 0.075, cached: 0.01875, output: 0.3, long: long128k(0.15, 0.0375, 0.6) },
  "gemini-1.5-flash-002": { input: 0.075, cached: 0.01875, output: 0.3, long: long128k(0.15, 0.0375, 0.6) },
  "gemini-1.5-pro": { input: 1.25, cached: 0.3125, output: 5, long: long128k(2.5, 0.625, 10) },
  "gemini-1.5-pro-002": { input: 1.25, cached: 0.3125, output: 5, long: long128k(2.5, 0.625, 10) },
  "gemini-2.0-flash": { input: 0.1, cached: 0.025, output: 0.4 },
  "gemini-2.0-flash-001": { input: 0.1, cached: 0.025, output: 0.4 },
  "gemini-2.0-flash-lite": { input: 0.075, cached: 0.075, output: 0.3 },
  "gemini-2.5-flash": { input: 0.3, cached: 0.03, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cached: 0.01, output: 0.4 },
  "gemini-2.5-pro": { input: 1.25, cached: 0.125, output: 10, long: long200k(2.5, 0.25, 15) },
  "gemini-3-flash-preview": { input: 0.5, cached: 0.05, output: 3 },
  "gemini-3-pro-preview": { input: 2, cached: 0.2, output: 12, long: long200k(4, 0.4, 18) },
  "gemini-3.1-pro-preview": { input: 2, cached: 0.2, output: 12, long: long200k(4, 0.4, 18) },
});

/**
 * Cost in USD of a Gemini call: uncached and cached prompt tokens and output tokens (thinking
 * included), each at its price, at the long-context rates when the prompt passes the model's
 * threshold. `undefined` for a model not in the table.
 */
export function googleCostOf(options: {
  model: string | undefined;
  prompt_tokens: number;
  cached_tokens: number;
  output_tokens: number;
}): number | undefined {
  if (options.model === undefined) return undefined;
  const info = getGoogleModelInfo(options.model);
  if (info === undefined) return undefined;
  const price = GOOGLE_PRICES[info.id];
  const rates = price.long && options.prompt_tokens > price.long.threshold ? price.long : price;
  const uncached = Math.max(0, options.prompt_tokens - options.cached_tokens);
  const micros =
    uncached * rates.input + options.cached_tokens * rates.cached + options.output_tokens * rates.output;
  return Math.round(micros * 1e3) / 1e9;
}
