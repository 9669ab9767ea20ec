import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { callHeaders } from "../llm/call-headers.js";
import { openIdleStream } from "../llm/provider-request.js";
import type { OpenStream, PreparedRequest, SendContext } from "../llm/base-llm.js";
import { HttpProvider } from "../llm/http-provider.js";
import { firstHeader } from "../transport/http-exchange.js";
import { postJson } from "../transport/post-request.js";
import { readSseJson } from "../transport/read-sse-json.js";
import { buildOpenAIRequest } from "./build-openai-request.js";
import { convertToOpenAIMessages } from "./convert-to-openai-messages.js";
import { countOpenAITokens } from "./count-openai-tokens.js";
import { mapOpenAIResponse } from "./map-openai-response.js";
import { getModelInfo } from "./openai-chat-model.js";
import type { WireChatRequest } from "./openai-chat-api.js";
import { OpenAIConfig, type OpenAIConfigOptions } from "./openai-config.js";
import { OpenAIPresetConfig } from "./openai-preset-config.js";
import type { OpenAIPreset } from "./openai-presets.js";
import {
  applyPresetToRequest,
  checkPresetOptions,
  moveThinkTags,
  thinkTagAssembler,
} from "./preset-quirks.js";
import { OpenAIFiles } from "./openai-files.js";
import { OpenAIPreparedRequest } from "./openai-prepared-request.js";
import { costOf, priceUsage } from "./openai-prices.js";
import { OpenAIStreamAssembler } from "./openai-stream-assembler.js";
import { prepareOpenAITools } from "./prepare-openai-tools.js";

function encodingOf(model: string) {
  return getModelInfo(model)?.encoding ?? "o200k_base";
}

/** OpenAI's own API, where its documented media limits apply (other servers set their own). */
const OPENAI_ORIGIN = "https://api.openai.com";

/**
 * The OpenAI Chat Completions API, for OpenAI and every server that copies it (Azure OpenAI,
 * vLLM, Ollama, llama.cpp, OpenRouter, LiteLLM). `new OpenAI()` reads the environment.
 */
export class OpenAI extends HttpProvider {
  #files: OpenAIFiles | undefined;

  /**
   * OpenAI's Files API (`/files`) on this client's endpoint and key: upload a PDF or an image once
   * and refer to it afterwards with `file.part` (the same interface as `GoogleAI.files`).
   */
  /** OpenAI fetches images by URL; audio and PDFs it takes only inline (or as an uploaded file). */
  protected override takesMediaUrl(mediaType: string | undefined): boolean {
    return mediaType === undefined || mediaType.startsWith("image/");
  }

  get files(): OpenAIFiles {
    this.#files ??= new OpenAIFiles(this.filesEndpoint());
    return this.#files;
  }

  declare readonly config: OpenAIConfig | OpenAIPresetConfig;
  readonly #path: string;
  /** The named server this client talks to, when it is a preset (`XAI`, `MistralAI`, ...). */
  readonly #preset: OpenAIPreset | undefined;

  /** `config`: options, an `OpenAIConfig`, or a preset's config (as `new XAI()` builds it). */
  constructor(config: OpenAIConfig | OpenAIPresetConfig | OpenAIConfigOptions = {}) {
    const resolved =
      config instanceof OpenAIConfig || config instanceof OpenAIPresetConfig
        ? config
        : new OpenAIConfig(config);
    super(resolved, {
      auth:
        resolved.auth_header === "api-key"
          ? { "api-key": resolved.api_key }
          : { authorization: `Bearer ${resolved.api_key}` },
    });
    this.#path = this.pathOf("/chat/completions");
    this.#preset = resolved instanceof OpenAIPresetConfig ? resolved.preset : undefined;
  }

  override count_tokens(
    messages: readonly ChatMessage[],
    options: Pick<ChatCompletionOptions, "tools" | "model"> = {},
  ): number {
    const wire: Pick<WireChatRequest, "messages" | "tools"> = { messages: convertToOpenAIMessages(messages) };
    const { tools } = prepareOpenAITools(options.tools, undefined);
    if (tools) wire.tools = tools;
    return countOpenAITokens(wire, encodingOf(options.model ?? this.config.chat_model));
  }

  /** Reasoning models (`o1`, `o3`, `gpt-5`, ...) think long. */
  protected override thinksLong(model: string): boolean {
    return getModelInfo(model)?.reasoning === true;
  }

  protected override costOf(response: LLMResponse, model: string): number | undefined {
    const table = this.#preset?.models;
    if (table === undefined) return costOf(response, model);
    // A preset with its own price table prices only its models: OpenAI's prices are not its own.
    const row = Object.hasOwn(table, model) ? table[model] : undefined;
    return row === undefined ? undefined : priceUsage(response, row);
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest {
    const warnings: string[] = [];
    const preset = this.#preset;
    if (preset) checkPresetOptions(preset, options, this.config);
    const payload = buildOpenAIRequest({
      messages,
      call: options,
      defaults: this.config,
      stream,
      warnings,
      openaiLimits: this.endpoint.origin === OPENAI_ORIGIN,
    });
    if (preset) applyPresetToRequest(payload, messages, preset);
    return new OpenAIPreparedRequest({
      payload,
      headers: callHeaders(options.extra_headers),
      response_format_type: options.response_format?.type,
      warnings,
    });
  }

  protected override sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse> {
    return postJson(this.post(prepared, context, this.#path, false)).then((response) => {
      const mapped = mapOpenAIResponse({
        body: response.body,
        request_id: response.request_id,
        response_format_type: prepared.response_format_type,
        secrets: this.endpoint.secrets,
      });
      return this.#preset?.think_tags ? moveThinkTags(mapped) : mapped;
    });
  }

  protected override async openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    const request = this.post(prepared, context, this.#path, true);
    const exchange = await openIdleStream(request, context);
    const assembler = new OpenAIStreamAssembler({
      request_id: firstHeader(exchange.headers, "x-request-id"),
      response_format_type: prepared.response_format_type,
      secrets: this.endpoint.secrets,
    });
    return {
      events: readSseJson({ exchange, request, done: "done" }),
      assembler: this.#preset?.think_tags ? thinkTagAssembler(assembler) : assembler,
    };
  }
}
