import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { BaseLLM, type OpenStream, type PreparedRequest, type SendContext } from "../llm/base-llm.js";
import { openRequest, type PostRequest, postJson } from "../transport/post-request.js";
import { readSseJson, SSE_DONE } from "../transport/read-sse-json.js";
import { buildOpenAIRequest } from "./build-openai-request.js";
import { mapOpenAIResponse } from "./map-openai-response.js";
import { OpenAIConfig, type OpenAIConfigOptions } from "./openai-config.js";
import { OpenAIStreamAssembler } from "./openai-stream-assembler.js";

const USER_AGENT = "director-llm/0.1.0";

/** `api_base` plus a path, keeping any query string (Azure's `api-version`). */
function endpoint(apiBase: string, path: string): string {
  const url = new URL(apiBase);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url.toString();
}

/**
 * The OpenAI Chat Completions API, for OpenAI and every server that copies it (Azure OpenAI,
 * vLLM, Ollama, llama.cpp, OpenRouter, LiteLLM). `new OpenAI()` reads the environment.
 */
export class OpenAI extends BaseLLM {
  declare readonly config: OpenAIConfig;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];

  constructor(config: OpenAIConfig | OpenAIConfigOptions = {}) {
    super(config instanceof OpenAIConfig ? config : new OpenAIConfig(config));
    this.#url = endpoint(this.config.api_base, "/chat/completions");
    const auth: Record<string, string> =
      this.config.auth_header === "api-key"
        ? { "api-key": this.config.api_key }
        : { authorization: `Bearer ${this.config.api_key}` };
    this.#headers = {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      ...this.config.headers,
      ...auth,
    };
    this.#secrets = [this.config.api_key];
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest {
    const payload = buildOpenAIRequest({ messages, call: options, defaults: this.config, stream });
    return { model: payload.model, payload, response_format_type: options.response_format?.type };
  }

  protected override async sendRequest(
    prepared: PreparedRequest,
    context: SendContext,
  ): Promise<LLMResponse> {
    const response = await postJson(this.#post(prepared, context, "application/json"));
    return mapOpenAIResponse({
      body: response.body,
      request_id: response.request_id,
      response_format_type: prepared.response_format_type,
    });
  }

  protected override async openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    const request = this.#post(prepared, context, "text/event-stream");
    const open = await openRequest(request);
    const idleLabel = {
      ...request,
      timeoutLabel: `stream idle timeout of ${context.idleTimeoutMs() / 1000}s`,
    };
    open.attempt.restartTimer(context.idleTimeoutMs());
    const events = readSseJson({ open, request: idleLabel, idleTimeoutMs: context.idleTimeoutMs });
    return {
      events: (async function* () {
        for await (const event of events) yield event === SSE_DONE ? "done" : event;
      })(),
      assembler: new OpenAIStreamAssembler({
        request_id: open.request_id,
        response_format_type: prepared.response_format_type,
      }),
    };
  }

  #post(prepared: PreparedRequest, context: SendContext, accept: string): PostRequest {
    return {
      url: this.#url,
      headers: { ...this.#headers, accept },
      body: JSON.stringify(prepared.payload),
      timeoutMs: context.timeoutMs,
      timeoutLabel: context.timeoutLabel,
      signal: context.signal,
      maxResponseBytes: this.config.max_response_bytes,
      secrets: this.#secrets,
      onSent: context.onSent,
    };
  }
}
