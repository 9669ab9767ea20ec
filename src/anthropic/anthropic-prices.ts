import { type AnthropicChatModel, getAnthropicModelInfo } from "./anthropic-chat-model.js";

/** USD per million tokens. */
export interface AnthropicPrice {
  input: number;
  /** Cache writes with the default 5-minute lifetime. */
  cache_write_5m: number;
  /** Cache writes with `ttl: "1h"`. */
  cache_write_1h: number;
  cache_read: number;
  output: number;
}

/** The day the table was taken from Anthropic's published list prices (docs.claude.com, pricing). */
export const ANTHROPIC_PRICES_AS_OF = "2026-12-02";

const price = (input: number, output: number): AnthropicPrice => ({
  input,
  cache_write_5m: input * 1.25,
  cache_write_1h: input * 2,
  cache_read: input / 10,
  output,
});

/** List prices per million tokens (cache writes 1.25x / 2x input, reads 0.1x, as Anthropic prices them). */
export const ANTHROPIC_PRICES: Readonly<Record<AnthropicChatModel, Readonly<AnthropicPrice>>> = Object.freeze(
  {
    "claude-3-haiku-20240307": {
      ...price(0.25, 1.25),
      cache_write_5m: 0.3,
      cache_write_1h: 0.5,
      cache_read: 0.03,
    },
    "claude-3-opus-20240229": price(15, 75),
    "claude-3-5-sonnet-20240620": price(3, 15),
    "claude-3-5-sonnet-20241022": price(3, 15),
    "claude-3-5-haiku": price(0.8, 4),
    "claude-3-7-sonnet": price(3, 15),
    "claude-sonnet-4": price(3, 15),
    "claude-opus-4": price(15, 75),
    "claude-opus-4-1": price(15, 75),
    "claude-sonnet-4-5": price(3, 15),
    "claude-haiku-4-5": price(1, 5),
    "claude-opus-4-5": price(5, 25),
    "claude-sonnet-4-6": price(3, 15),
  },
);

/**
 * Cost in USD of a Claude call: uncached input, 5-minute and 1-hour cache writes, cache reads and
 * output, each at its price. `undefined` for a model not in the table.
 */
export function anthropicCostOf(options: {
  model: string | undefined;
  input_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  output_tokens: number;
}): number | undefined {
  const info = options.model === undefined ? undefined : getAnthropicModelInfo(options.model);
  if (info === undefined) return undefined;
  const p = ANTHROPIC_PRICES[info.id];
  const micros =
    options.input_tokens * p.input +
    options.cache_write_5m_tokens * p.cache_write_5m +
    options.cache_write_1h_tokens * p.cache_write_1h +
    options.cache_read_tokens * p.cache_read +
    options.output_tokens * p.output;
  return Math.round(micros * 1e3) / 1e9;
}
