import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { OpenStream, PreparedRequest, SendContext } from "../llm/base-llm.js";
import { HttpProvider } from "../llm/http-provider.js";
import { callHeaders } from "../llm/call-headers.js";
import { normalizeCallOptions } from "../llm/call-limits.js";
import { openIdleStream } from "../llm/provider-request.js";
import { firstHeader } from "../transport/http-exchange.js";
import { postJson } from "../transport/post-request.js";
import { readSseJson } from "../transport/read-sse-json.js";
import { buildGeminiRequest } from "./build-gemini-request.js";
import { estimateGeminiTokens } from "./count-gemini-tokens.js";
import { GeminiFiles } from "./gemini-files.js";
import { GeminiStreamAssembler } from "./gemini-stream-assembler.js";
import { GoogleAIConfig, type GoogleAIConfigOptions } from "./google-ai-config.js";
import { geminiThinkingOf } from "./google-chat-model.js";
import { googleCostOf } from "./google-prices.js";
import { mapGeminiResponse } from "./map-gemini-response.js";
import { prepareGeminiTools } from "./prepare-gemini-tools.js";
import { convertToGeminiContents } from "./convert-to-gemini-contents.js";

/** Gemini's request id header. */
const REQUEST_ID_HEADER = "x-goog-request-id";

/**
 * Gemini on its native API (`POST {api_base}/models/{model}:generateContent`, and
 * `:streamGenerateContent?alt=sse`), behind the same {@link BaseLLM} contract as `OpenAI` and
 * `AnthropicAI`: the same options, the same `LLMResponse`, the same typed failures, retries, time
 * limits and pacing. The key goes in the `x-goog-api-key` header, never in a URL. Thought
 * signatures round-trip: append `res.assistant_message` (or Director-shape `tool_calls` from
 * `res.tool_calls`) to the history and each signature goes back on its part. `new GoogleAI()`
 * reads `GOOGLEAI_*` (the key also from `GEMINI_API_KEY` or `GOOGLE_API_KEY`).
 */
export class GoogleAI extends HttpProvider {
  declare readonly config: GoogleAIConfig;
  /** Request paths by model and method, built once each. */
  readonly #paths = new Map<string, string>();

  constructor(config: GoogleAIConfig | GoogleAIConfigOptions = {}) {
    const resolved = config instanceof GoogleAIConfig ? config : new GoogleAIConfig(config);
    super(resolved, { auth: { "x-goog-api-key": resolved.api_key } });
  }

  #files: GeminiFiles | undefined;

  /**
   * Gemini's Files API on this client's endpoint and key: upload media too big to send inline
   * (videos especially), wait until it is processed, and put `file.part` in a message.
   */
  get files(): GeminiFiles {
    this.#files ??= new GeminiFiles(this.filesEndpoint());
    return this.#files;
  }

  /** A local estimate (Gemini's tokenizer is not public): about 4 characters per token, 258 per image (see docs/providers.md). */
  override count_tokens(
    messages: readonly ChatMessage[],
    options: Pick<ChatCompletionOptions, "tools" | "model"> = {},
  ): number {
    const { contents, systemInstruction } = convertToGeminiContents(messages);
    const { tools } = prepareGeminiTools({
      tools: options.tools,
      toolChoice: undefined,
      parallelToolCalls: undefined,
      warnings: [],
    });
    return estimateGeminiTokens({
      contents,
      ...(systemInstruction ? { systemInstruction } : {}),
      ...(tools ? { tools } : {}),
    });
  }

  /** The exact input tokens, from the API's `models/{model}:countTokens` (one request, not paced). */
  async count_tokens_exact(
    messages: readonly ChatMessage[],
    options: Pick<ChatCompletionOptions, "tools" | "model" | "signal" | "timeout"> = {},
  ): Promise<number> {
    const { signal, timeout, ...rest } = normalizeCallOptions(options);
    const request = buildGeminiRequest({ messages, call: rest, defaults: this.#defaults(), warnings: [] });
    const { generationConfig: _unused, ...generate } = request.body;
    return this.postForNumber(
      this.#path(request.model, "countTokens"),
      { generateContentRequest: { model: `models/${request.model}`, ...generate } },
      "totalTokens",
      { signal, timeout },
    );
  }

  /** Thinking Gemini models (2.5, 3.x) think long. */
  protected override thinksLong(model: string): boolean {
    const thinking = geminiThinkingOf(model);
    return thinking === "level" || thinking === "budget";
  }

  protected override costOf(response: LLMResponse, model: string): number | undefined {
    return googleCostOf({
      model,
      prompt_tokens: response.send_tokens,
      cached_tokens: response.cached_tokens,
      output_tokens: response.recv_tokens,
    });
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    _stream: boolean,
  ): PreparedRequest {
    const warnings: string[] = [];
    const call = buildGeminiRequest({ messages, call: options, defaults: this.#defaults(), warnings });
    return {
      model: call.model,
      payload: call.body,
      response_format_type: options.response_format?.type,
      headers: callHeaders(options.extra_headers),
      max_tokens: call.max_tokens,
      prompt_tokens: () => estimateGeminiTokens(call.body),
      warnings,
    };
  }

  protected override sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse> {
    return postJson(this.post(prepared, context, this.#path(prepared.model, "generateContent"), false)).then(
      (response) =>
        mapGeminiResponse({
          body: response.body,
          request_id: response.request_id ?? firstHeader(response.headers, REQUEST_ID_HEADER),
          responseFormatType: prepared.response_format_type,
          secrets: this.endpoint.secrets,
        }),
    );
  }

  protected override openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    const request = this.post(prepared, context, this.#path(prepared.model, "streamGenerateContent"), true);
    return openIdleStream(request, context).then((exchange) => ({
      events: readSseJson({ exchange, request, done: "done" }),
      assembler: new GeminiStreamAssembler({
        request_id: firstHeader(exchange.headers, REQUEST_ID_HEADER),
        responseFormatType: prepared.response_format_type,
        secrets: this.endpoint.secrets,
      }),
    }));
  }

  #defaults() {
    const { chat_model, max_tokens, reasoning_effort, sampling_given } = this.config;
    return {
      chat_model,
      max_tokens,
      reasoning_effort,
      temperature: sampling_given.temperature ? this.config.temperature : undefined,
      top_p: sampling_given.top_p ? this.config.top_p : undefined,
    };
  }

  /** `{base}/models/{model}:{method}`, with `alt=sse` for a stream; built once per model and method. */
  #path(model: string, method: string): string {
    const key = `${model}:${method}`;
    let path = this.#paths.get(key);
    if (path === undefined) {
      path = this.pathOf(
        `/models/${encodeURIComponent(model)}:${method}`,
        method === "streamGenerateContent" ? "alt=sse" : "",
      );
      if (this.#paths.size < 256) this.#paths.set(key, path);
    }
    return path;
  }
}
