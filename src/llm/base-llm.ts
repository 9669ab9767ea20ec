import type { BaseLLMConfig } from "../core/base-llm-config.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { type AttemptContext, retryWithBackoff } from "../transport/retry-with-backoff.js";

/** A provider's request, built and validated before anything is sent. */
export interface PreparedRequest {
  /** The model the request names. */
  model: string;
  /** The provider's wire payload. */
  payload: unknown;
  /** `response_format.type`, when one was asked for. */
  response_format_type?: string | undefined;
}

/** What one attempt is given: the retry loop's context and the caller's signal. */
export interface SendContext extends AttemptContext {
  signal: AbortSignal | undefined;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

function checkSeconds(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(name, `must be a positive number of seconds (got ${String(value)})`);
  }
  return value;
}

/**
 * The provider-neutral LLM: agents and tools call {@link BaseLLM.chat_completions} and always get
 * one {@link LLMResponse}. Shared behaviour (validation, retries, time limits, aborts) lives here;
 * a provider implements `prepareRequest` (pure mapping) and `sendRequest` (one HTTP attempt).
 */
export abstract class BaseLLM {
  readonly config: BaseLLMConfig;

  constructor(config: BaseLLMConfig) {
    this.config = config;
  }

  /**
   * Sends the conversation and returns the model's answer. Resolves for every failure of a valid
   * request (`status: ERROR`, `error` says why); rejects only with {@link InvalidArgumentError}
   * when the arguments can never make a valid request.
   */
  async chat_completions(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions = {},
  ): Promise<LLMResponse> {
    if (typeof options !== "object" || options === null)
      throw new InvalidArgumentError("options", "must be an object");
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError("options.signal", "must be an AbortSignal");
    }
    const timeout = checkSeconds("options.timeout", options.timeout) ?? this.config.timeout;
    const totalTimeout =
      checkSeconds("options.total_timeout", options.total_timeout) ?? this.config.total_timeout;
    const startedAt = Date.now();
    const prepared = this.prepareRequest(messages, options, false);
    try {
      return await retryWithBackoff({
        run: (context) => this.sendRequest(prepared, { ...context, signal }),
        maxRetries: this.config.max_retries,
        backoff: this.config.retry,
        attemptTimeoutMs: Math.round(timeout * 1000),
        deadlineAt: totalTimeout === undefined ? undefined : startedAt + Math.round(totalTimeout * 1000),
        signal,
      });
    } catch (error) {
      if (error instanceof LLMError) return this.errorResponse(error, prepared);
      throw error;
    }
  }

  /** Builds and validates the provider's request. Pure; throws {@link InvalidArgumentError}. */
  protected abstract prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest;

  /** Sends one attempt and maps the answer; throws {@link LLMError} for anything that went wrong. */
  protected abstract sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse>;

  /** The response of a failed call. */
  protected errorResponse(error: LLMError, prepared: PreparedRequest): LLMResponse {
    return new LLMResponse({
      status: LLMResponseStatus.ERROR,
      error,
      request_id: error.request_id,
      model: prepared.model,
    });
  }

  toJSON(): Record<string, unknown> {
    return { llm_type: this.config.llm_type, config: this.config.toJSON() };
  }

  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }
}
