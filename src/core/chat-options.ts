import type { OpenAIToolDefinition, ResponseFormat, ToolChoice, ToolDefinition } from "./messages.js";

/** Options of one `chat_completions` call. Each per-call value overrides the config's. */
export interface ChatCompletionOptions {
  /** Tools the model may call, in the spec's `{name, description, parameters}` shape or OpenAI's. */
  tools?: ReadonlyArray<ToolDefinition | OpenAIToolDefinition>;
  /** @default "auto" when tools are given */
  tool_choice?: ToolChoice;
  /** Up to 4 sequences where the model stops. */
  stop?: string | string[];
  /** `{type: "text"}`, `{type: "json_object"}` or `{type: "json_schema", json_schema: {...}}`. */
  response_format?: ResponseFormat;
  /** Aborts the call at any stage; the response then has `error.kind === "aborted"`. */
  signal?: AbortSignal;
  /** Model id for this call. @default config.chat_model */
  model?: string;
  /** @default config.max_tokens */
  max_tokens?: number;
  /** @default config.temperature */
  temperature?: number;
  /** @default config.top_p */
  top_p?: number;
  /** Time limit of one attempt, in seconds. @default config.timeout */
  timeout?: number;
  /** Time limit of the whole call including retries and waits, in seconds. @default config.total_timeout */
  total_timeout?: number;

  /** How hard a reasoning model thinks. @default config.reasoning_effort (reasoning models only) */
  reasoning_effort?: ReasoningEffort;
  /** How long the answers of models that take it (gpt-5) are. @default config.verbosity (gpt-5 models only) */
  verbosity?: Verbosity;
  /** An integer for (best-effort) reproducible sampling. */
  seed?: number;
  /** `false`: at most one tool call per turn. */
  parallel_tool_calls?: boolean;
  /** -2 to 2. */
  presence_penalty?: number;
  /** -2 to 2. */
  frequency_penalty?: number;
  /** Token id (a string of digits) to a bias from -100 to 100. */
  logit_bias?: Readonly<Record<string, number>>;
  /** Return the output tokens' log probabilities (`res.logprobs`). */
  logprobs?: boolean;
  /** 0 to 20 most likely tokens per position; needs `logprobs: true`. */
  top_logprobs?: number;
  /** Processing tier (`auto`, `default`, `flex`, `scale`, `priority`, `fast`). @default config.service_tier */
  service_tier?: ServiceTier;
  /** An end-user id (deprecated by OpenAI in favour of `safety_identifier`). */
  user?: string;
  /** A stable id of the end user, at most 64 characters, for abuse detection. */
  safety_identifier?: string;
  /** Up to 16 string pairs (keys up to 64 characters, values up to 512). */
  metadata?: Readonly<Record<string, string>>;
  /** Store the completion for distillation and evals. */
  store?: boolean;
  /** A key that groups requests for prompt caching. */
  prompt_cache_key?: string;
  /** `FallbackLLM` only: `false` pins the call to the first member (refused by every other client). */
  fallback?: boolean;
  /** Re-asks after an answer that fails the `json_schema` (with the issues), this many times. @default 0 */
  repair?: number;
  /** Claude: extended thinking with this budget in tokens (at least 1024, less than `max_tokens`); Gemini 2.5: `thinkingBudget`. */
  thinking_budget?: number;
  /** Gemini: return thought summaries (`res.reasoning`, `reasoning-delta` parts); `includeThoughts`. */
  include_thoughts?: boolean;
  /** A Predicted Output: `{ type: "content", content }` with the text expected. */
  prediction?: { type: "content"; content: string | ReadonlyArray<{ type: "text"; text: string }> };

  /** Merged into the request body last, for parameters a compatible server adds (vLLM's `guided_json`, ...). */
  extra_body?: Readonly<Record<string, unknown>>;
  /** Headers of this call only (their values are redacted from errors like the key). */
  extra_headers?: Readonly<Record<string, string>>;
}

/** How hard a reasoning model thinks; each provider maps it (see `docs/configuration.md`). */
export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";
/** How long a `gpt-5*` model's answers are. */
export type Verbosity = "low" | "medium" | "high";
/** The processing tier a call asks for. */
export type ServiceTier = "auto" | "default" | "flex" | "scale" | "priority" | "fast";

/** Every key {@link ChatCompletionOptions} has: any other key is refused, never dropped. */
export const CHAT_OPTION_KEYS: ReadonlySet<string> = new Set([
  "tools",
  "tool_choice",
  "stop",
  "response_format",
  "signal",
  "model",
  "max_tokens",
  "temperature",
  "top_p",
  "timeout",
  "total_timeout",
  "reasoning_effort",
  "verbosity",
  "seed",
  "parallel_tool_calls",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "service_tier",
  "user",
  "safety_identifier",
  "metadata",
  "store",
  "prompt_cache_key",
  "prediction",
  "thinking_budget",
  "include_thoughts",
  "fallback",
  "repair",
  "extra_body",
  "extra_headers",
]);

/** What the call methods accept: every option may also be `null`, which means "not set" (Python's `None`). */
export type ChatCompletionOptionsInput = {
  [K in keyof ChatCompletionOptions]?: ChatCompletionOptions[K] | null | undefined;
};
