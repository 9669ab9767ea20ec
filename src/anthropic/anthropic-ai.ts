import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { OpenStream, PreparedRequest, SendContext } from "../llm/base-llm.js";
import { HttpProvider } from "../llm/http-provider.js";
import { callHeaders } from "../llm/call-headers.js";
import { openIdleStream } from "../llm/provider-request.js";
import { normalizeCallOptions } from "../llm/call-limits.js";
import { firstHeader } from "../transport/http-exchange.js";
import { postJson } from "../transport/post-request.js";
import { readSseJson } from "../transport/read-sse-json.js";
import { AnthropicAIConfig, type AnthropicAIConfigOptions } from "./anthropic-config.js";
import { anthropicCostOf } from "./anthropic-prices.js";
import { AnthropicStreamAssembler } from "./anthropic-stream-assembler.js";
import { buildAnthropicRequest } from "./build-anthropic-request.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { estimateAnthropicTokens } from "./count-anthropic-tokens.js";
import { mapAnthropicResponse } from "./map-anthropic-response.js";
import { prepareAnthropicTools } from "./prepare-anthropic-tools.js";

/** The Messages API version every request names. */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Claude on Anthropic's native Messages API (`POST {api_base}/messages`), behind the same
 * {@link BaseLLM} contract as `OpenAI`: the same options, the same `LLMResponse`, the same typed
 * failures, retries, time limits and pacing (from `anthropic-ratelimit-*` headers). `new
 * AnthropicAI()` reads `ANTHROPIC_*` from the environment.
 */
export class AnthropicAI extends HttpProvider {
  declare readonly config: AnthropicAIConfig;
  readonly #path: string;
  /** 1-hour cache writes of each response, priced apart from the 5-minute ones. */
  readonly #longCacheWrites = new WeakMap<LLMResponse, number>();

  constructor(config: AnthropicAIConfig | AnthropicAIConfigOptions = {}) {
    const resolved = config instanceof AnthropicAIConfig ? config : new AnthropicAIConfig(config);
    super(resolved, {
      headers: { "anthropic-version": ANTHROPIC_VERSION },
      auth: { "x-api-key": resolved.api_key },
    });
    this.#path = this.pathOf("/messages");
  }

  /** A local estimate (Claude has no public tokenizer): about 4.4 characters per token (see docs/providers.md). */
  override count_tokens(
    messages: readonly ChatMessage[],
    options: Pick<ChatCompletionOptions, "tools" | "model"> = {},
  ): number {
    const { system, messages: turns } = convertToAnthropicMessages(messages);
    const { tools } = prepareAnthropicTools({
      tools: options.tools,
      toolChoice: undefined,
      parallelToolCalls: undefined,
      warnings: [],
    });
    return estimateAnthropicTokens({ system, messages: turns, ...(tools ? { tools } : {}) });
  }

  /** The exact input tokens, from the API's `POST /v1/messages/count_tokens` (one request, not paced). */
  async count_tokens_exact(
    messages: readonly ChatMessage[],
    options: Pick<ChatCompletionOptions, "tools" | "model" | "signal" | "timeout"> = {},
  ): Promise<number> {
    const call = normalizeCallOptions(options);
    const { signal, timeout, ...rest } = call;
    const request = buildAnthropicRequest({ messages, call: rest, defaults: this.#defaults(), warnings: [] });
    const body = {
      model: request.model,
      messages: request.messages,
      ...(request.system ? { system: request.system } : {}),
      ...(request.tools ? { tools: request.tools } : {}),
    };
    return this.postForNumber(this.pathOf("/messages/count_tokens"), body, "input_tokens", {
      signal,
      timeout,
    });
  }

  protected override costOf(response: LLMResponse, model: string): number | undefined {
    const long = this.#longCacheWrites.get(response) ?? 0;
    const write = response.cache_write_tokens;
    return anthropicCostOf({
      model,
      input_tokens: response.send_tokens - response.cached_tokens - write,
      cache_write_5m_tokens: write - long,
      cache_write_1h_tokens: long,
      cache_read_tokens: response.cached_tokens,
      output_tokens: response.recv_tokens,
    });
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest {
    const warnings: string[] = [];
    const payload = buildAnthropicRequest({
      messages,
      call: options,
      defaults: this.#defaults(),
      stream,
      warnings,
    });
    return {
      model: payload.model,
      payload,
      response_format_type: options.response_format?.type,
      headers: withFilesBeta(payload, callHeaders(options.extra_headers)),
      max_tokens: payload.max_tokens,
      prompt_tokens: () => estimateAnthropicTokens(payload),
      warnings,
    };
  }

  // Not `async`, as in OpenAI: a chained promise costs fewer microtasks than an await.
  protected override sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse> {
    return postJson(this.post(prepared, context, this.#path, false)).then((response) => {
      const mapped = mapAnthropicResponse({
        body: response.body,
        request_id: response.request_id ?? firstHeader(response.headers, "request-id"),
        jsonMode: this.#jsonMode(prepared),
        secrets: this.endpoint.secrets,
      });
      this.#noteLongCacheWrites(mapped.response, mapped.cache_write_1h_tokens);
      return mapped.response;
    });
  }

  protected override openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    const request = this.post(prepared, context, this.#path, true);
    return openIdleStream(request, context).then((exchange) => ({
      events: readSseJson({ exchange, request, done: "done", keepAlive: "ping", end: "message_stop" }),
      assembler: new AnthropicStreamAssembler({
        request_id: firstHeader(exchange.headers, "request-id"),
        jsonMode: this.#jsonMode(prepared),
        secrets: this.endpoint.secrets,
        onResponse: (response, long) => this.#noteLongCacheWrites(response, long),
      }),
    }));
  }

  #defaults() {
    const { chat_model, max_tokens, reasoning_effort, service_tier, sampling_given } = this.config;
    return {
      chat_model,
      max_tokens,
      reasoning_effort,
      service_tier,
      temperature: sampling_given.temperature ? this.config.temperature : undefined,
      top_p: sampling_given.top_p ? this.config.top_p : undefined,
    };
  }

  /** Remembers a response's 1-hour cache writes for its cost; most responses have none, and are not kept. */
  #noteLongCacheWrites(response: LLMResponse, tokens: number): void {
    if (tokens > 0) this.#longCacheWrites.set(response, tokens);
  }

  #jsonMode(prepared: PreparedRequest): boolean {
    return prepared.response_format_type === "json_object" || prepared.response_format_type === "json_schema";
  }
}

/** The beta that lets a Messages request refer to a Files API upload (`source: { type: "file" }`). */
const FILES_BETA = "files-api-2025-04-14";

/**
 * A request that refers to an uploaded file needs Anthropic's Files API beta header: added (next to
 * any `anthropic-beta` the caller sends) when a block's source is a file, else the headers as they are.
 */
function withFilesBeta(
  payload: { messages: Array<{ content: unknown }> },
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const refersToFile = (blocks: unknown): boolean =>
    Array.isArray(blocks) &&
    blocks.some(
      (block: { source?: { type?: unknown }; content?: unknown }) =>
        block?.source?.type === "file" || refersToFile(block?.content),
    );
  if (!payload.messages.some((message) => refersToFile(message.content))) return headers;
  const given = headers?.["anthropic-beta"];
  if (given?.split(",").some((beta) => beta.trim() === FILES_BETA)) return headers;
  return { ...headers, "anthropic-beta": given ? `${given},${FILES_BETA}` : FILES_BETA };
}
