import { LLMError } from "../core/llm-error.js";
import { isRecord } from "../core/is-record.js";
import {
  LLMResponse,
  LLMResponseStatus,
  type Logprobs,
  NO_USAGE_WARNING,
  type TokenLogprob,
} from "../core/llm-response.js";
import type { ToolCall } from "../core/messages.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import type { WireChatResponse, WireLogprobs, WireUsage } from "./openai-chat-api.js";
import {
  generateToolCallId,
  parseJsonResult,
  toolCallWarnings,
  toToolCall,
} from "../llm/parse-tool-arguments.js";

export { parseJsonResult };

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Token counts from a usage object; a missing or partial usage gives zeros, never a crash. */
export function mapUsage(usage: WireUsage | null | undefined) {
  const send_tokens = count(usage?.prompt_tokens);
  const recv_tokens = count(usage?.completion_tokens);
  return {
    send_tokens,
    recv_tokens,
    total_tokens: count(usage?.total_tokens) || send_tokens + recv_tokens,
    // DeepSeek reports its cache hits as `prompt_cache_hit_tokens`.
    cached_tokens:
      count(usage?.prompt_tokens_details?.cached_tokens) || count(usage?.prompt_cache_hit_tokens),
    reasoning_tokens: count(usage?.completion_tokens_details?.reasoning_tokens),
  };
}

/** A tool call's `arguments` as text: a JSON string as sent, an object (some local servers) as JSON. */
export function argumentsText(raw: unknown): string {
  if (typeof raw === "string") return raw;
  return isRecord(raw) ? JSON.stringify(raw) : "";
}

/** The reasoning text of a message or delta: `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter). */
export function reasoningText(message: { reasoning_content?: unknown; reasoning?: unknown }): string {
  if (typeof message.reasoning_content === "string") return message.reasoning_content;
  return typeof message.reasoning === "string" ? message.reasoning : "";
}

export function optionalText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `choices[].logprobs` in the response's shape; `undefined` when the server sent none. */
export function mapLogprobs(logprobs: WireLogprobs | null | undefined): Logprobs | undefined {
  if (!isRecord(logprobs)) return undefined;
  return {
    content: (Array.isArray(logprobs.content) ? logprobs.content : []) as TokenLogprob[],
    refusal: (Array.isArray(logprobs.refusal) ? logprobs.refusal : []) as TokenLogprob[],
  };
}

/** Gemini's OpenAI-compatible endpoint puts a call's thought signature in `extra_content.google`. */
export function thoughtSignatureOf(call: unknown): string | undefined {
  if (!isRecord(call) || !isRecord(call["extra_content"])) return undefined;
  const google = call["extra_content"]["google"];
  const signature = isRecord(google) ? google["thought_signature"] : undefined;
  return typeof signature === "string" && signature !== "" ? signature : undefined;
}

function invalid(message: string, request_id: string | undefined): LLMError {
  return new LLMError({ kind: "invalid_response", message, status_code: 200, request_id });
}

/**
 * Maps a chat.completion body to an {@link LLMResponse}. Pure. Every tool call is returned.
 * A body with no usable first choice throws an `invalid_response` {@link LLMError}.
 */
export function mapOpenAIResponse(options: {
  body: unknown;
  request_id?: string | undefined;
  response_format_type?: string | undefined;
  /** Removed from error messages (servers echo keys and headers back). */
  secrets?: readonly string[];
}): LLMResponse {
  const { request_id } = options;
  if (typeof options.body !== "object" || options.body === null || Array.isArray(options.body)) {
    throw invalid("response body is not a JSON object", request_id);
  }
  const body = options.body as WireChatResponse & { error?: unknown };
  const noChoices = !Array.isArray(body.choices) || body.choices.length === 0;
  if (noChoices && body.error !== undefined && body.error !== null) {
    // An error object in a 200 (some proxies do this): classified as the stream's error events are.
    throw classifyStreamError({
      error: body.error,
      request_id,
      secrets: options.secrets ?? [],
      where: "error object in a 200 response",
    });
  }
  if (noChoices || body.choices === undefined) throw invalid("response has no choices", request_id);
  const choice = body.choices.find((item) => item?.index === 0) ?? body.choices[0];
  const message = choice?.message;
  if (typeof message !== "object" || message === null)
    throw invalid("response choice has no message", request_id);
  if (message.content !== undefined && message.content !== null && typeof message.content !== "string")
    throw invalid(`message.content is a ${typeof message.content}, not a string or null`, request_id);
  if (message.tool_calls !== undefined && message.tool_calls !== null && !Array.isArray(message.tool_calls))
    throw invalid(`message.tool_calls is a ${typeof message.tool_calls}, not an array`, request_id);
  const content = message.content ?? "";
  const tool_calls: ToolCall[] = [];
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    const name = call?.function?.name;
    if (typeof name !== "string" || name === "")
      throw invalid(`tool_calls[${index}] has no function name`, request_id);
    const rawArguments = call.function?.arguments;
    const toolCall = toToolCall({
      id: typeof call.id === "string" && call.id !== "" ? call.id : generateToolCallId(),
      name,
      rawArguments: argumentsText(rawArguments),
    });
    const signature = thoughtSignatureOf(call);
    if (signature !== undefined) toolCall.thought_signature = signature;
    tool_calls.push(toolCall);
  }
  // Gemini's compatible endpoint has also sent one signature on the message: it belongs to the
  // first call when the turn calls tools (Gemini signs the first), else to the text.
  const messageSignature = thoughtSignatureOf(message);
  let textSignature: string | undefined;
  if (messageSignature !== undefined) {
    const first = tool_calls[0];
    if (first === undefined) textSignature = messageSignature;
    else if (tool_calls.every((call) => call.thought_signature === undefined))
      first.thought_signature = messageSignature;
  }
  const warnings = toolCallWarnings(tool_calls);
  if (!isRecord(body.usage)) warnings.push(NO_USAGE_WARNING);
  const json = parseJsonResult(content, options.response_format_type);
  if (json.warning) warnings.push(json.warning);
  return new LLMResponse({
    status: LLMResponseStatus.SUCCESS,
    content,
    tool_calls,
    finish_reason: typeof choice?.finish_reason === "string" ? choice.finish_reason : "",
    ...mapUsage(body.usage),
    parsed: json.parsed,
    refusal: typeof message.refusal === "string" ? message.refusal : undefined,
    model: typeof body.model === "string" ? body.model : undefined,
    id: typeof body.id === "string" ? body.id : undefined,
    request_id,
    warnings,
    reasoning: reasoningText(message),
    logprobs: mapLogprobs(choice?.logprobs),
    service_tier: optionalText(body.service_tier),
    system_fingerprint: optionalText(body.system_fingerprint),
    thought_signature: textSignature,
  });
}
