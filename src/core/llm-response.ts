import type { LLMError } from "./llm-error.js";
import type { ChatMessage, ThinkingBlock, ToolCall } from "./messages.js";

/** Whether a call succeeded: `SUCCESS` is `true`, `ERROR` is `false` (Director's values). */
export const LLMResponseStatus = { SUCCESS: true, ERROR: false } as const;
export type LLMResponseStatus = (typeof LLMResponseStatus)[keyof typeof LLMResponseStatus];

/** Fields of an {@link LLMResponse}; everything but `status` has a default. */
export interface LLMResponseInit {
  status: LLMResponseStatus;
  content?: string;
  tool_calls?: ToolCall[];
  finish_reason?: string;
  send_tokens?: number;
  recv_tokens?: number;
  total_tokens?: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
  send_tokens_by_modality?: Record<string, number>;
  error?: LLMError | undefined;
  parsed?: unknown;
  refusal?: string | undefined;
  model?: string | undefined;
  id?: string | undefined;
  request_id?: string | undefined;
  warnings?: string[];
  cost?: number | undefined;
  attempts?: number;
  reasoning?: string;
  thinking_blocks?: ThinkingBlock[];
  cache_write_tokens?: number;
  logprobs?: Logprobs | undefined;
  service_tier?: string | undefined;
  system_fingerprint?: string | undefined;
  thought_signature?: string | undefined;
  provider_finish_reason?: string | undefined;
  provider?: string | undefined;
  fallbacks?: FallbackFailure[];
}

/** A member a `FallbackLLM` tried before the one that answered (or before it gave up), and why it moved on. */
export interface FallbackFailure {
  /** The member's `llm_type` (`anthropic`, `openai`, `googleai`, a preset). */
  provider: string;
  model: string;
  kind: string;
  message: string;
  status_code: number | undefined;
  /** Skipped without a request: the member was cooling down, or cannot take this request. */
  skipped?: "cooldown" | "capability";
}

/** The warning of a response whose server sent no usage (some local servers and proxies). */
export const NO_USAGE_WARNING = "the server sent no usage: token counts are 0";

/** One output token's log probability (`logprobs: true`), as the API sends it. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  /** The `top_logprobs` most likely tokens at this position. */
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

/** The log probabilities of the answer's tokens: of its content, and of a refusal. */
export interface Logprobs {
  content: TokenLogprob[];
  refusal: TokenLogprob[];
}

// The fields are `declare`d: the constructor assigns every one, in one order, so a response is
// built once (class fields would first define all 28 as undefined, then assign them again).
/** The fields every {@link LLMResponse} has, success or failure. */
class LLMResponseFields {
  /** `LLMResponseStatus.SUCCESS` (true) or `LLMResponseStatus.ERROR` (false). */
  declare status: LLMResponseStatus;
  /** The assistant's text; `""` when the model only called tools or the call failed. */
  declare content: string;
  /** Every tool call the model made, in order, in Director's shape. */
  declare tool_calls: ToolCall[];
  /** The provider's own finish reason (`stop`, `tool_calls`, `length`, `content_filter`, ...); `""` if none. */
  declare finish_reason: string;
  /** Prompt tokens (the provider's `prompt_tokens`; 0 when it sent no usage). */
  declare send_tokens: number;
  /** Completion tokens (the provider's `completion_tokens`; 0 when it sent no usage). */
  declare recv_tokens: number;
  /** Total tokens (the provider's `total_tokens`; 0 when it sent no usage). */
  declare total_tokens: number;
  /** Prompt tokens served from the provider's cache (part of `send_tokens`). */
  declare cached_tokens: number;
  /** Hidden reasoning tokens (part of `recv_tokens`). */
  declare reasoning_tokens: number;
  /**
   * The prompt tokens by kind of input, where the provider reports them (Gemini's
   * `promptTokensDetails`: `{ text, image, audio, video, document }`); `{}` otherwise.
   */
  declare send_tokens_by_modality: Record<string, number>;
  /** Why the call failed; `undefined` on success. */
  declare error: LLMError | undefined;
  /**
   * For `response_format` `json_object` / `json_schema`: the content parsed as JSON (`undefined` if it
   * was not valid JSON; a warning then says why).
   */
  declare parsed: unknown;
  /** The model's refusal text, when it refused (structured outputs). */
  declare refusal: string | undefined;
  /** The model id the server reported (e.g. a dated snapshot). */
  declare model: string | undefined;
  /** The completion id (`chatcmpl-...`). */
  declare id: string | undefined;
  /** The server's `x-request-id`. */
  declare request_id: string | undefined;
  /** Things the caller should know that did not fail the call (e.g. `max_tokens` lowered to fit). */
  declare warnings: string[];
  /** Cost in USD from the usage and the model's price; `undefined` for unknown models. */
  declare cost: number | undefined;
  /** HTTP requests sent for this call, retries included. */
  declare attempts: number;
  /** The model's reasoning text, where the server sends it (DeepSeek, vLLM, OpenRouter, Claude's thinking); `""` when none. Never part of `content`. */
  declare reasoning: string;
  /** Claude's thinking blocks, as returned (sent back by {@link assistant_message}); `[]` for other providers. */
  declare thinking_blocks: ThinkingBlock[];
  /** Prompt tokens written to the provider's cache (Anthropic's cache writes; part of `send_tokens`; 0 for OpenAI). */
  declare cache_write_tokens: number;
  /** The tokens' log probabilities, when the call asked for `logprobs`; `undefined` otherwise. */
  declare logprobs: Logprobs | undefined;
  /** The service tier that processed the request, as the server reports it. */
  declare service_tier: string | undefined;
  /** The backend configuration fingerprint the server reports (`system_fingerprint`). */
  declare system_fingerprint: string | undefined;
  /** Gemini's `thoughtSignature` of the answer's text (sent back by {@link assistant_message}); `undefined` elsewhere. */
  declare thought_signature: string | undefined;
  /**
   * The provider's own finish reason where `finish_reason` translates it (Gemini's `STOP`,
   * `MAX_TOKENS`, `SAFETY`, ...); `undefined` where `finish_reason` is already the provider's.
   */
  declare provider_finish_reason: string | undefined;
  /** The `llm_type` of the client that answered (`openai`, `anthropic`, `googleai`, a preset). */
  declare provider: string | undefined;
  /** With `FallbackLLM`: the members tried before the one that answered, and why each failed; `[]` otherwise. */
  declare fallbacks: FallbackFailure[];

  /**
   * The assistant turn to append to the history for the next call, on any provider: the content,
   * every tool call and (for Claude) the thinking blocks, which must go back unchanged.
   */
  get assistant_message(): ChatMessage {
    const message: ChatMessage = { role: "assistant", content: this.content };
    if (this.tool_calls.length > 0) message.tool_calls = this.tool_calls;
    if (this.thinking_blocks.length > 0) message.thinking = this.thinking_blocks;
    if (this.thought_signature !== undefined) message.thought_signature = this.thought_signature;
    return message;
  }

  constructor(init: LLMResponseInit) {
    if ((init.status === LLMResponseStatus.ERROR) !== (init.error !== undefined))
      throw new TypeError("an LLMResponse has an error exactly when its status is ERROR");
    this.status = init.status;
    this.content = init.content ?? "";
    this.tool_calls = init.tool_calls ?? [];
    this.finish_reason = init.finish_reason ?? "";
    this.send_tokens = init.send_tokens ?? 0;
    this.recv_tokens = init.recv_tokens ?? 0;
    this.total_tokens = init.total_tokens ?? 0;
    this.cached_tokens = init.cached_tokens ?? 0;
    this.reasoning_tokens = init.reasoning_tokens ?? 0;
    this.send_tokens_by_modality = init.send_tokens_by_modality ?? {};
    this.error = init.error;
    this.parsed = init.parsed;
    this.refusal = init.refusal;
    this.model = init.model;
    this.id = init.id;
    this.request_id = init.request_id;
    this.warnings = init.warnings ?? [];
    this.cost = init.cost;
    this.attempts = init.attempts ?? init.error?.attempts ?? 0;
    this.reasoning = init.reasoning ?? "";
    this.thinking_blocks = init.thinking_blocks ?? [];
    this.cache_write_tokens = init.cache_write_tokens ?? 0;
    this.logprobs = init.logprobs;
    this.service_tier = init.service_tier;
    this.system_fingerprint = init.system_fingerprint;
    this.thought_signature = init.thought_signature;
    this.provider_finish_reason = init.provider_finish_reason;
    this.provider = init.provider;
    this.fallbacks = init.fallbacks ?? [];
  }
}

/** A call that succeeded: `status` is `SUCCESS` and there is no `error`. */
export interface SuccessfulLLMResponse extends LLMResponseFields {
  status: typeof LLMResponseStatus.SUCCESS;
  error: undefined;
}

/** A call that failed: `status` is `ERROR` and `error` says why. */
export interface FailedLLMResponse extends LLMResponseFields {
  status: typeof LLMResponseStatus.ERROR;
  error: LLMError;
}

/**
 * The one normalized result of every call, success or failure (a failed call resolves, it does not
 * reject). On failure `status` is `ERROR`, `error` says why, and `content` keeps what had arrived
 * (always `""` for non-streaming calls). A union on `status`, so `if (res.status ===
 * LLMResponseStatus.SUCCESS) ... else res.error.kind` type-checks under `strict`.
 */
export type LLMResponse = SuccessfulLLMResponse | FailedLLMResponse;

/** Builds an {@link LLMResponse}; `instanceof LLMResponse` holds for every response. */
export const LLMResponse = LLMResponseFields as unknown as {
  /** A response from its fields; `status` is required, everything else has a default. */
  new (init: LLMResponseInit): LLMResponse;
  readonly prototype: LLMResponse;
};
