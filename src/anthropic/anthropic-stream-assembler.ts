import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { type LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";
import { toToolCall } from "../llm/parse-tool-arguments.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import type { AnthropicUsage } from "./anthropic-messages-api.js";
import { JSON_TOOL } from "./build-anthropic-request.js";
import {
  buildAnthropicResponse,
  readContentBlocks as readContentBlocksOf,
} from "./map-anthropic-response.js";

/** One content block being streamed. */
interface OpenBlock {
  type: string;
  /** The block as `content_block_start` gave it, completed by its deltas. */
  block: Record<string, unknown>;
  /** `input_json_delta` fragments of a tool_use block (they split keys and values anywhere). */
  json: string;
}

/**
 * Assembles Messages API stream events into typed parts and, at the end, the same
 * {@link LLMResponse} the non-streaming call gives. Pure: no I/O. Text and thinking deltas go out
 * as they arrive; a tool call goes out whole when its block stops; usage is `message_start`'s,
 * updated by `message_delta`'s. `ping` never reaches here (it is not progress).
 */
export class AnthropicStreamAssembler {
  readonly #blocks = new Map<number, OpenBlock>();
  readonly #done: Record<string, unknown>[] = [];
  #usage: AnthropicUsage = {};
  #model: string | undefined;
  #id: string | undefined;
  #stopReason: string | undefined;
  #stopped = false;

  constructor(
    private readonly options: {
      request_id?: string | undefined;
      jsonMode: boolean;
      secrets?: readonly string[];
      /** Told of every response built (final or partial) with its 1-hour cache writes, priced apart. */
      onResponse?: (response: LLMResponse, cacheWrite1hTokens: number) => void;
    },
  ) {}

  /** Takes one parsed event (or `"done"` for the end) and gives `emit` the parts it completes. */
  push(event: unknown, emit: (part: StreamPart) => void): void {
    if (event === "done") {
      this.#stopped = true;
      return;
    }
    if (!isRecord(event)) throw this.#invalid("stream event is not a JSON object");
    if (event["error"] !== undefined && event["type"] !== "message_start")
      throw classifyStreamError({
        error: event["error"],
        request_id: this.options.request_id,
        secrets: this.options.secrets ?? [],
      });
    switch (event["type"]) {
      case "message_start": {
        const message = event["message"];
        if (isRecord(message)) {
          if (typeof message["model"] === "string") this.#model = message["model"];
          if (typeof message["id"] === "string") this.#id = message["id"];
          if (isRecord(message["usage"])) this.#usage = { ...message["usage"] };
        }
        return;
      }
      case "content_block_start": {
        const block = event["content_block"];
        if (typeof event["index"] !== "number" || !isRecord(block) || typeof block["type"] !== "string")
          throw this.#invalid("content_block_start without an index and a typed block");
        this.#blocks.set(event["index"], { type: block["type"], block: { ...block }, json: "" });
        const text =
          block["type"] === "text"
            ? block["text"]
            : block["type"] === "thinking"
              ? block["thinking"]
              : undefined;
        if (typeof text === "string" && text !== "")
          emit({ type: block["type"] === "text" ? "text-delta" : "reasoning-delta", text });
        return;
      }
      case "content_block_delta":
        this.#delta(event, emit);
        return;
      case "content_block_stop": {
        const open = typeof event["index"] === "number" ? this.#blocks.get(event["index"]) : undefined;
        if (open === undefined) return;
        this.#blocks.delete(event["index"] as number);
        if (open.type === "tool_use") {
          open.block["input"] =
            open.json.trim() === "" ? (open.block["input"] ?? {}) : this.#parseInput(open.json);
          this.#done.push(open.block);
          if (this.options.jsonMode && open.block["name"] === JSON_TOOL) return;
          const input = open.block["input"];
          const tool_call = toToolCall({
            id: typeof open.block["id"] === "string" ? open.block["id"] : "",
            name: String(open.block["name"] ?? ""),
            rawArguments: typeof input === "string" ? input : JSON.stringify(input),
          });
          emit({ type: "tool-call", tool_call });
          return;
        }
        this.#done.push(open.block);
        return;
      }
      case "message_delta": {
        const delta = event["delta"];
        if (isRecord(delta) && typeof delta["stop_reason"] === "string")
          this.#stopReason = delta["stop_reason"];
        if (isRecord(event["usage"])) this.#usage = { ...this.#usage, ...event["usage"] };
        return;
      }
      case "message_stop":
        this.#stopped = true;
        return;
      case "message": {
        // A proxy that ignored `stream: true` answered with the whole message: it is the answer.
        if (!Array.isArray(event["content"])) throw this.#invalid("message event without a content array");
        if (typeof event["model"] === "string") this.#model = event["model"];
        if (typeof event["id"] === "string") this.#id = event["id"];
        if (isRecord(event["usage"])) this.#usage = { ...event["usage"] };
        if (typeof event["stop_reason"] === "string") this.#stopReason = event["stop_reason"];
        for (const block of event["content"]) {
          if (!isRecord(block)) continue;
          this.#done.push({ ...block });
          if (block["type"] === "text" && typeof block["text"] === "string" && block["text"] !== "")
            emit({ type: "text-delta", text: block["text"] });
          else if (
            block["type"] === "thinking" &&
            typeof block["thinking"] === "string" &&
            block["thinking"] !== ""
          )
            emit({ type: "reasoning-delta", text: block["thinking"] });
          else if (block["type"] === "tool_use" && !(this.options.jsonMode && block["name"] === JSON_TOOL)) {
            const input = block["input"];
            emit({
              type: "tool-call",
              tool_call: toToolCall({
                id: typeof block["id"] === "string" ? block["id"] : "",
                name: String(block["name"] ?? ""),
                rawArguments: typeof input === "string" ? input : JSON.stringify(input ?? {}),
              }),
            });
          }
        }
        this.#stopped = true;
        return;
      }
    }
    // `ping` and event types added later carry nothing to assemble.
  }

  finish(): LLMResponse {
    if (!this.#stopped && this.#stopReason === undefined)
      throw new LLMError({
        kind: "connection",
        message: "stream ended before completion (no message_stop and no stop_reason)",
        request_id: this.options.request_id,
        retryable: true,
      });
    return this.#build(LLMResponseStatus.SUCCESS, undefined);
  }

  partial(error: LLMError): LLMResponse {
    return this.#build(LLMResponseStatus.ERROR, error);
  }

  #build(status: LLMResponseStatus, error: LLMError | undefined): LLMResponse {
    // Blocks still open when a stream failed: their text so far counts, unfinished tool calls do not.
    const open = [...this.#blocks.values()]
      .filter((item) => item.type !== "tool_use")
      .map((item) => item.block);
    const { response, cache_write_1h_tokens } = buildAnthropicResponse({
      blocks: readContentBlocksOf([...this.#done, ...open], this.options.jsonMode),
      stop_reason: this.#stopReason,
      usage: this.#usage,
      model: this.#model,
      id: this.#id,
      request_id: this.options.request_id,
      jsonMode: this.options.jsonMode,
      status,
      error,
    });
    this.options.onResponse?.(response, cache_write_1h_tokens);
    return response;
  }

  #delta(event: Record<string, unknown>, emit: (part: StreamPart) => void): void {
    const open = typeof event["index"] === "number" ? this.#blocks.get(event["index"]) : undefined;
    const delta = event["delta"];
    if (open === undefined || !isRecord(delta))
      throw this.#invalid("content_block_delta for a block that is not open");
    switch (delta["type"]) {
      case "text_delta": {
        const text = typeof delta["text"] === "string" ? delta["text"] : "";
        open.block["text"] = `${open.block["text"] ?? ""}${text}`;
        if (text !== "") emit({ type: "text-delta", text });
        return;
      }
      case "thinking_delta": {
        const text = typeof delta["thinking"] === "string" ? delta["thinking"] : "";
        open.block["thinking"] = `${open.block["thinking"] ?? ""}${text}`;
        if (text !== "") emit({ type: "reasoning-delta", text });
        return;
      }
      case "signature_delta":
        open.block["signature"] = `${open.block["signature"] ?? ""}${String(delta["signature"] ?? "")}`;
        return;
      case "input_json_delta":
        open.json += typeof delta["partial_json"] === "string" ? delta["partial_json"] : "";
    }
  }

  #parseInput(json: string): unknown {
    try {
      return JSON.parse(json);
    } catch {
      // Kept as text: the tool call comes out `invalid`, with the raw text and the reason.
      return json;
    }
  }

  #invalid(message: string): LLMError {
    return new LLMError({ kind: "invalid_response", message, request_id: this.options.request_id });
  }
}
