import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ThinkingBlock, ToolCall } from "../core/messages.js";
import { toToolCall, toolCallWarnings } from "../llm/parse-tool-arguments.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import type { AnthropicResponse, AnthropicUsage } from "./anthropic-messages-api.js";
import { JSON_TOOL } from "./build-anthropic-request.js";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Token counts in the shape shared by every provider, plus the 1-hour cache writes (priced apart). */
export function mapAnthropicUsage(usage: AnthropicUsage | undefined) {
  const input = count(usage?.input_tokens);
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheWrite = count(usage?.cache_creation_input_tokens);
  const output = count(usage?.output_tokens);
  return {
    // All prompt tokens, as `prompt_tokens` means for OpenAI: uncached, read and written.
    send_tokens: input + cacheRead + cacheWrite,
    recv_tokens: output,
    total_tokens: input + cacheRead + cacheWrite + output,
    cached_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    reasoning_tokens: count(usage?.output_tokens_details?.thinking_tokens),
    cache_write_1h_tokens: count(usage?.cache_creation?.ephemeral_1h_input_tokens),
  };
}

/** What the content blocks of an answer say, in the provider-neutral shape. */
export interface AnthropicContent {
  content: string;
  tool_calls: ToolCall[];
  reasoning: string;
  thinking_blocks: ThinkingBlock[];
  /** The input of the `response_format` tool, when the request forced it. */
  json?: Record<string, unknown>;
}

/** Reads content blocks: text joined, every `tool_use` (Director's shape), thinking kept as is. */
export function readContentBlocks(blocks: readonly unknown[], jsonMode: boolean): AnthropicContent {
  const result: AnthropicContent = { content: "", tool_calls: [], reasoning: "", thinking_blocks: [] };
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (block["type"] === "text" && typeof block["text"] === "string") result.content += block["text"];
    else if (block["type"] === "tool_use" && typeof block["name"] === "string") {
      const input = block["input"];
      if (jsonMode && block["name"] === JSON_TOOL && isRecord(input)) {
        result.json = input;
        continue;
      }
      const id = typeof block["id"] === "string" ? block["id"] : "";
      result.tool_calls.push(
        toToolCall({
          id,
          name: block["name"],
          rawArguments: typeof input === "string" ? input : input === undefined ? "" : JSON.stringify(input),
        }),
      );
    } else if (block["type"] === "thinking" && typeof block["thinking"] === "string") {
      result.reasoning += block["thinking"];
      result.thinking_blocks.push({
        type: "thinking",
        thinking: block["thinking"],
        signature: typeof block["signature"] === "string" ? block["signature"] : "",
      });
    } else if (block["type"] === "redacted_thinking" && typeof block["data"] === "string")
      result.thinking_blocks.push({ type: "redacted_thinking", data: block["data"] });
  }
  return result;
}

/**
 * The response in the shared shape: with `response_format`, the forced tool's input is the
 * content (as JSON text) and `parsed`, and the turn reads as `end_turn`.
 */
export function buildAnthropicResponse(options: {
  blocks: AnthropicContent;
  stop_reason: string | undefined;
  usage: AnthropicUsage | undefined;
  model: string | undefined;
  id: string | undefined;
  request_id: string | undefined;
  jsonMode: boolean;
  status?: LLMResponseStatus;
  error?: LLMError | undefined;
}): { response: LLMResponse; cache_write_1h_tokens: number } {
  const { blocks, jsonMode } = options;
  const { cache_write_1h_tokens, ...usage } = mapAnthropicUsage(options.usage);
  const warnings = toolCallWarnings(blocks.tool_calls);
  let content = blocks.content;
  let parsed: unknown;
  let finish = options.stop_reason ?? "";
  if (jsonMode && blocks.json !== undefined) {
    content = JSON.stringify(blocks.json);
    parsed = blocks.json;
    if (finish === "tool_use") finish = "end_turn";
  } else if (jsonMode && options.status !== LLMResponseStatus.ERROR)
    warnings.push(
      "response_format: the answer carried no JSON (the model did not call the response tool); parsed is undefined",
    );
  const response = new LLMResponse({
    status: options.status ?? LLMResponseStatus.SUCCESS,
    error: options.error,
    content,
    tool_calls: blocks.tool_calls,
    finish_reason: finish,
    ...usage,
    parsed,
    reasoning: blocks.reasoning,
    thinking_blocks: blocks.thinking_blocks,
    model: options.model,
    id: options.id,
    request_id: options.request_id,
    service_tier: typeof options.usage?.service_tier === "string" ? options.usage.service_tier : undefined,
    warnings,
  });
  return { response, cache_write_1h_tokens };
}

/** Maps a Messages API body. Pure; a body that is not a message throws `invalid_response`. */
export function mapAnthropicResponse(options: {
  body: unknown;
  request_id?: string | undefined;
  jsonMode: boolean;
  secrets?: readonly string[];
}): { response: LLMResponse; cache_write_1h_tokens: number } {
  const invalid = (message: string) =>
    new LLMError({ kind: "invalid_response", message, status_code: 200, request_id: options.request_id });
  if (!isRecord(options.body)) throw invalid("response body is not a JSON object");
  const body = options.body as AnthropicResponse & { error?: unknown };
  if (body.type === "error" || (body.content === undefined && body.error !== undefined))
    throw classifyStreamError({
      error: body.error,
      request_id: options.request_id,
      secrets: options.secrets ?? [],
      where: "error object in a 200 response",
    });
  if (!Array.isArray(body.content)) throw invalid("response has no content array");
  return buildAnthropicResponse({
    blocks: readContentBlocks(body.content, options.jsonMode),
    stop_reason: typeof body.stop_reason === "string" ? body.stop_reason : undefined,
    usage: isRecord(body.usage) ? body.usage : undefined,
    model: typeof body.model === "string" ? body.model : undefined,
    id: typeof body.id === "string" ? body.id : undefined,
    request_id: options.request_id,
    jsonMode: options.jsonMode,
  });
}
