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
import { OpenAIPreparedRequest } from "./openai-prepared-request.js";
import { costOf } from "./openai-prices.js";
import { OpenAIStreamAssembler } from "./openai-stream-assembler.js";
import { prepareOpenAITools } from "./prepare-openai-tools.js";

function encodingOf(model: string) {
  return getModelInfo(model)?.encoding ?? "o200k_base";
}

/**
 * The OpenAI Chat Completions API, for OpenAI and every server that copies it (Azure OpenAI,
 * vLLM, Ollama, llama.cpp, OpenRouter, LiteLLM). `new OpenAI()` reads the environment.
 */
export class OpenAI extends HttpProvider {
  declare readonly config: OpenAIConfig;
  readonly #path: string;

  constructor(config: OpenAIConfig | OpenAIConfigOptions = {}) {
    const resolved = config instanceof OpenAIConfig ? config : new OpenAIConfig(config);
    super(resolved, {
      auth:
        resolved.auth_header === "api-key"
          ? { "api-key": resolved.api_key }
          : { authorization: `Bearer ${resolved.api_key}` },
    });
    this.#path = this.pathOf("/chat/completions");
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

  protected override costOf(response: LLMResponse, model: string): number | undefined {
    return costOf(response, model);
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest {
    const warnings: string[] = [];
    const payload = buildOpenAIRequest({ messages, call: options, defaults: this.config, stream, warnings });
    return new OpenAIPreparedRequest({
      payload,
      headers: callHeaders(options.extra_headers),
      response_format_type: options.response_format?.type,
      warnings,
    });
  }

  protected override sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse> {
    return postJson(this.post(prepared, context, this.#path, false)).then((response) =>
      mapOpenAIResponse({
        body: response.body,
        request_id: response.request_id,
        response_format_type: prepared.response_format_type,
        secrets: this.endpoint.secrets,
      }),
    );
  }

  protected override async openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    const request = this.post(prepared, context, this.#path, true);
    const exchange = await openIdleStream(request, context);
    return {
      events: readSseJson({ exchange, request, done: "done" }),
      assembler: new OpenAIStreamAssembler({
        request_id: firstHeader(exchange.headers, "x-request-id"),
        response_format_type: prepared.response_format_type,
        secrets: this.endpoint.secrets,
      }),
    };
  }
}
