import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ToolCall } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import { mapUsage, parseJsonResult } from "./map-openai-response.js";
import type { WireUsage } from "./openai-chat-api.js";
import { generateToolCallId, toolCallWarnings, toToolCall } from "./parse-tool-arguments.js";

interface WireDelta {
  content?: string | null;
  refusal?: string | null;
  tool_calls?: Array<{
    index?: number;
    id?: string;
    function?: { name?: string; arguments?: string };
  }> | null;
}

interface WireChunk {
  id?: string;
  model?: string;
  error?: unknown;
  choices?: Array<{
    index?: number;
    delta?: WireDelta | null;
    message?: WireDelta | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Assembles chat.completion.chunk objects (choice 0) into typed parts and, at the end, the same
 * {@link LLMResponse} the non-streaming call gives. Pure: no I/O. Tool-call deltas accumulate by
 * index (names may arrive late, arguments split anywhere); each call is emitted whole when the
 * choice finishes.
 */
export class OpenAIStreamAssembler {
  #content = "";
  #refusal: string | undefined;
  readonly #calls = new Map<number, PendingCall>();
  #lastIndex = -1;
  #finishReason: string | undefined;
  #usage: WireUsage | undefined;
  #model: string | undefined;
  #id: string | undefined;
  #emittedCalls: ToolCall[] = [];
  #sawDone = false;

  constructor(
    private readonly options: {
      request_id?: string | undefined;
      response_format_type?: string | undefined;
      /** Removed from error messages (servers echo keys and headers back). */
      secrets?: readonly string[];
    } = {},
  ) {}

  /** Takes one parsed event (or `"done"` for `[DONE]`) and returns the parts it completes. */
  push(chunk: unknown): StreamPart[] {
    if (chunk === "done") {
      this.#sawDone = true;
      return this.#emitCalls();
    }
    if (!isRecord(chunk)) throw this.#invalid("stream event is not a JSON object");
    const data = chunk as WireChunk;
    if (data.error !== undefined && data.error !== null)
      throw classifyStreamError({
        error: data.error,
        request_id: this.options.request_id,
        secrets: this.options.secrets ?? [],
      });
    // Azure's trailing content-filter chunk has `id: ""` and `model: ""`: an empty string never
    // erases a value already received.
    if (typeof data.model === "string" && data.model !== "") this.#model = data.model;
    if (typeof data.id === "string" && data.id !== "") this.#id = data.id;
    if (isRecord(data.usage)) this.#usage = data.usage;
    const parts: StreamPart[] = [];
    const choices = Array.isArray(data.choices) ? data.choices : [];
    for (const choice of choices) {
      if (!isRecord(choice) || (choice.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? choice.message;
      if (isRecord(delta)) {
        if (typeof delta.content === "string" && delta.content !== "") {
          this.#content += delta.content;
          parts.push({ type: "text-delta", text: delta.content });
        }
        if (typeof delta.refusal === "string" && delta.refusal !== "") {
          this.#refusal = (this.#refusal ?? "") + delta.refusal;
          parts.push({ type: "refusal-delta", text: delta.refusal });
        }
        if (Array.isArray(delta.tool_calls))
          for (const call of delta.tool_calls) this.#addToolCallDelta(call);
      }
      if (typeof choice.finish_reason === "string") {
        this.#finishReason = choice.finish_reason;
        parts.push(...this.#emitCalls());
      }
    }
    return parts;
  }

  /** The response of a stream that ended; throws when it ended with neither `[DONE]` nor a finish reason. */
  finish(): LLMResponse {
    if (!this.#sawDone && this.#finishReason === undefined) {
      throw new LLMError({
        kind: "connection",
        message: "stream ended before completion (no finish_reason and no [DONE])",
        request_id: this.options.request_id,
        retryable: true,
      });
    }
    this.#emitCalls();
    const response = this.#build(LLMResponseStatus.SUCCESS, undefined);
    const json = parseJsonResult(response.content, this.options.response_format_type);
    response.parsed = json.parsed;
    if (json.warning) response.warnings.push(json.warning);
    return response;
  }

  /** What had arrived when the stream failed, with the error. */
  partial(error: LLMError): LLMResponse {
    return this.#build(LLMResponseStatus.ERROR, error);
  }

  #build(status: LLMResponseStatus, error: LLMError | undefined): LLMResponse {
    const warnings = toolCallWarnings(this.#emittedCalls);
    return new LLMResponse({
      status,
      error,
      content: this.#content,
      tool_calls: [...this.#emittedCalls],
      finish_reason: this.#finishReason ?? "",
      ...mapUsage(this.#usage),
      refusal: this.#refusal,
      model: this.#model,
      id: this.#id,
      request_id: this.options.request_id,
      warnings,
    });
  }

  #addToolCallDelta(delta: NonNullable<WireDelta["tool_calls"]>[number]): void {
    if (!isRecord(delta)) return;
    let index = typeof delta.index === "number" ? delta.index : this.#lastIndex;
    // Servers that omit `index` start a new call with each new id.
    if (
      typeof delta.index !== "number" &&
      (index < 0 || (delta.id && this.#calls.get(index)?.id !== delta.id))
    ) {
      index = this.#lastIndex + 1;
    }
    this.#lastIndex = Math.max(this.#lastIndex, index);
    const call = this.#calls.get(index) ?? { id: "", name: "", arguments: "" };
    if (typeof delta.id === "string" && delta.id !== "") call.id = delta.id;
    const name = delta.function?.name;
    // Some servers repeat the whole name in every delta; others could split it.
    if (typeof name === "string" && name !== call.name) call.name += name;
    if (typeof delta.function?.arguments === "string") call.arguments += delta.function.arguments;
    this.#calls.set(index, call);
  }

  #emitCalls(): StreamPart[] {
    const parts: StreamPart[] = [];
    for (const index of [...this.#calls.keys()].sort((a, b) => a - b)) {
      const pending = this.#calls.get(index)!;
      if (pending.name === "") throw this.#invalid(`tool call at index ${index} has no function name`);
      const tool_call = toToolCall({
        id: pending.id || generateToolCallId(),
        name: pending.name,
        rawArguments: pending.arguments,
      });
      this.#emittedCalls.push(tool_call);
      parts.push({ type: "tool-call", tool_call });
    }
    this.#calls.clear();
    return parts;
  }

  #invalid(message: string): LLMError {
    return new LLMError({ kind: "invalid_response", message, request_id: this.options.request_id });
  }
}
