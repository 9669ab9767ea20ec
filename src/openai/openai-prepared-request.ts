import type { CallTrace } from "../telemetry/telemetry.js";
import type { PreparedRequest } from "../llm/prepared-request.js";
import { countOpenAITokensAsync } from "./count-openai-tokens.js";
import { fitContextWindow } from "./fit-context-window.js";
import { getModelInfo } from "./openai-chat-model.js";
import type { WireChatRequest } from "./openai-chat-api.js";

/**
 * One call's prepared OpenAI request. A class, not an object literal: a literal with a getter and
 * two closures costs about half a microsecond per call to build; this costs a few nanoseconds.
 */
export class OpenAIPreparedRequest implements PreparedRequest {
  readonly model: string;
  readonly payload: WireChatRequest;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly response_format_type: string | undefined;
  readonly warnings: string[];
  trace: CallTrace | undefined;
  counted_prompt_tokens: number | undefined;
  #counted: Promise<number> | undefined;

  constructor(init: {
    payload: WireChatRequest;
    headers: Readonly<Record<string, string>> | undefined;
    response_format_type: string | undefined;
    /** The request builder's warnings; the context check may add one. */
    warnings: string[];
  }) {
    this.payload = init.payload;
    this.model = init.payload.model;
    this.headers = init.headers;
    this.response_format_type = init.response_format_type;
    this.warnings = init.warnings;
  }

  /** Read from the payload: the context check may lower it. */
  get max_tokens(): number {
    return this.payload.max_tokens ?? this.payload.max_completion_tokens ?? 0;
  }

  prompt_tokens(stop: () => void): Promise<number> {
    this.#counted ??= countOpenAITokensAsync(
      this.payload,
      getModelInfo(this.model)?.encoding ?? "o200k_base",
      stop,
    );
    return this.#counted;
  }

  check(stop: () => void): Promise<void> | undefined {
    return fitContextWindow({
      payload: this.payload,
      // Counting stops once past what can fit: a prompt too long is refused without being counted
      // to its end (a count that stopped early is never kept for pacing: nothing is sent).
      promptTokens: (limit) => {
        if (this.#counted !== undefined) return this.#counted;
        const counting = countOpenAITokensAsync(
          this.payload,
          getModelInfo(this.model)?.encoding ?? "o200k_base",
          stop,
          limit,
        );
        this.#counted = counting.then((tokens) => {
          if (tokens > limit) this.#counted = undefined;
          return tokens;
        });
        return this.#counted;
      },
      warnings: this.warnings,
    });
  }
}
