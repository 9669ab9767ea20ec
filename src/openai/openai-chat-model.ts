/**
 * OpenAI chat models director-llm knows (an enum-like object, as Director's `OpenAIChatModel`).
 * Any other model id is accepted too: compatible servers have their own.
 */
export const OpenAIChatModel = {
  GPT4: "gpt-4",
  GPT4_32K: "gpt-4-32k",
  GPT4_TURBO: "gpt-4-turbo",
  GPT4_TURBO_PREVIEW: "gpt-4-turbo-preview",
  GPT35_TURBO: "gpt-3.5-turbo",
  GPT4o: "gpt-4o",
  GPT4o_MINI: "gpt-4o-mini",
  GPT41: "gpt-4.1",
  GPT41_MINI: "gpt-4.1-mini",
  GPT41_NANO: "gpt-4.1-nano",
  O1: "o1",
  O1_MINI: "o1-mini",
  O3: "o3",
  O3_MINI: "o3-mini",
  O4_MINI: "o4-mini",
  GPT5: "gpt-5",
  GPT5_MINI: "gpt-5-mini",
  GPT5_NANO: "gpt-5-nano",
  GPT51: "gpt-5.1",
  GPT52: "gpt-5.2",
  GPT56: "gpt-5.6",
} as const;
export type OpenAIChatModel = (typeof OpenAIChatModel)[keyof typeof OpenAIChatModel];

/** The tokenizer a model uses. */
export type TokenEncoding = "o200k_base" | "cl100k_base";

/** What is known of a model: its limits, tokenizer and whether it is a reasoning model. */
export interface ModelInfo {
  id: OpenAIChatModel;
  /** Context window in tokens (prompt plus output). */
  context_window: number;
  /** Largest output the model can produce, in tokens. */
  max_output_tokens: number;
  /** Largest prompt, when it is less than the window minus the output (gpt-5: 272,000 of 400,000). */
  max_input_tokens?: number;
  encoding: TokenEncoding;
  /** Reasoning models take `max_completion_tokens` and no `temperature`/`top_p`. */
  reasoning: boolean;
}

// Limits from LiteLLM's model_prices_and_context_window.json (see openai-prices.ts for the date):
// context window = its max_input_tokens + max_output_tokens where the input limit is separate.
const table: Array<[OpenAIChatModel, number, number, TokenEncoding, boolean, number?]> = [
  ["gpt-4", 8_192, 8_192, "cl100k_base", false],
  ["gpt-4-32k", 32_768, 8_192, "cl100k_base", false],
  ["gpt-4-turbo", 128_000, 4_096, "cl100k_base", false],
  ["gpt-4-turbo-preview", 128_000, 4_096, "cl100k_base", false],
  ["gpt-3.5-turbo", 16_385, 4_096, "cl100k_base", false],
  ["gpt-4o", 128_000, 16_384, "o200k_base", false],
  ["gpt-4o-mini", 128_000, 16_384, "o200k_base", false],
  ["gpt-4.1", 1_047_576, 32_768, "o200k_base", false],
  ["gpt-4.1-mini", 1_047_576, 32_768, "o200k_base", false],
  ["gpt-4.1-nano", 1_047_576, 32_768, "o200k_base", false],
  ["o1", 200_000, 100_000, "o200k_base", true],
  ["o1-mini", 128_000, 65_536, "o200k_base", true],
  ["o3", 200_000, 100_000, "o200k_base", true],
  ["o3-mini", 200_000, 100_000, "o200k_base", true],
  ["o4-mini", 200_000, 100_000, "o200k_base", true],
  ["gpt-5", 400_000, 128_000, "o200k_base", true, 272_000],
  ["gpt-5-mini", 400_000, 128_000, "o200k_base", true, 272_000],
  ["gpt-5-nano", 400_000, 128_000, "o200k_base", true, 272_000],
  ["gpt-5.1", 400_000, 128_000, "o200k_base", true, 272_000],
  ["gpt-5.2", 400_000, 128_000, "o200k_base", true, 272_000],
  ["gpt-5.6", 1_178_000, 128_000, "o200k_base", true, 1_050_000],
];

/** Every known model, keyed by id. */
export const OPENAI_MODELS: Readonly<Record<OpenAIChatModel, Readonly<ModelInfo>>> = Object.freeze(
  Object.fromEntries(
    table.map(([id, context_window, max_output_tokens, encoding, reasoning, max_input_tokens]) => [
      id,
      Object.freeze({
        id,
        context_window,
        max_output_tokens,
        encoding,
        reasoning,
        ...(max_input_tokens === undefined ? {} : { max_input_tokens }),
      }),
    ]),
  ) as Record<OpenAIChatModel, ModelInfo>,
);

/** The known model an id names, dated snapshots included (`gpt-4o-2024-08-06` is `gpt-4o`). */
export function getModelInfo(model: string): Readonly<ModelInfo> | undefined {
  const known = lookups.get(model);
  if (known !== undefined || lookups.has(model)) return known;
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, "").replace(/-(0314|0613|1106|0125)$/, "");
  // Own keys only: `constructor` or `toString` is not a model.
  const info = Object.hasOwn(OPENAI_MODELS, base)
    ? (OPENAI_MODELS as Record<string, Readonly<ModelInfo>>)[base]
    : undefined;
  // A call looks its model up several times (request, context check, tokenizer, cost).
  if (lookups.size >= 256) lookups.clear();
  lookups.set(model, info);
  return info;
}
const lookups = new Map<string, Readonly<ModelInfo> | undefined>();

/** Reasoning models: the table's flag, else ids shaped like `o1...`, `o3...`, `gpt-5...`. */
export function isReasoningModel(model: string): boolean {
  return getModelInfo(model)?.reasoning ?? /^(o\d|gpt-5)/.test(model);
}
