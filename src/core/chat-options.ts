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
}
