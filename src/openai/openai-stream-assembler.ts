import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus, NO_USAGE_WARNING } from "../core/llm-response.js";
import type { ToolCall } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { thoughtSignatureOf } from "./map-openai-response.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import {
  argumentsText,
  mapLogprobs,
  mapUsage,
  optionalText,
  parseJsonResult,
  reasoningText,
} from "./map-openai-response.js";
import type { WireLogprobs, WireUsage } from "./openai-chat-api.js";
import { generateToolCallId, toolCallWarnings, toToolCall } from "../llm/parse-tool-arguments.js";

interface WireDelta {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: Array<{
    index?: number;
    id?: string;
    function?: { name?: string; arguments?: string | Record<string, unknown> };
  }> | null;
}

interface WireChunk {
  id?: string;
  model?: string;
  service_tier?: string | null;
  system_fingerprint?: string | null;
  error?: unknown;
  choices?: Array<{
    index?: number;
    delta?: WireDelta | null;
    message?: WireDelta | null;
    logprobs?: WireLogprobs | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
  x_groq?: { usage?: WireUsage | null } | null;
}

const ignore = () => {};

interface PendingCall {
  /** The `index` the server gave it (calls are emitted in index order, then arrival order). */
  wireIndex: number;
  id: string;
  name: string;
  arguments: string;
  /** Gemini's thought signature of the call (its OpenAI-compatible endpoint's `extra_content`). */
  signature?: string;
}

/** Whether arguments text is already one whole JSON value (a call that is complete). */
function isWholeJson(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Assembles chat.completion.chunk objects (choice 0) into typed parts and, at the end, the same
 * {@link LLMResponse} the non-streaming call gives. Pure: no I/O. Tool-call deltas accumulate by
 * index (names may arrive late, arguments split anywhere); a new `id` at an index that holds a
 * different one starts a new call (LiteLLM's Ollama path sends every parallel call at index 0);
 * each call is emitted whole when the choice finishes.
 */
export class OpenAIStreamAssembler {
  #content = "";
  #reasoning = "";
  #refusal: string | undefined;
  /** Calls being assembled, by arrival key. */
  readonly #calls = new Map<number, PendingCall>();
  /** The key of the call each wire index currently feeds. */
  readonly #slots = new Map<number, number>();
  #nextKey = 0;
  #lastKey = -1;
  #logprobs: { content: unknown[]; refusal: unknown[] } | undefined;
  #serviceTier: string | undefined;
  #fingerprint: string | undefined;
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

  /** Takes one parsed event (or `"done"` for `[DONE]`) and gives `emit` the parts it completes. */
  push(chunk: unknown, emit: (part: StreamPart) => void): void {
    if (chunk === "done") {
      this.#sawDone = true;
      this.#emitCalls(emit);
      return;
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
    // Groq sends the usage of a stream under `x_groq` in its last chunk.
    else if (isRecord(data.x_groq) && isRecord(data.x_groq.usage)) this.#usage = data.x_groq.usage;
    this.#serviceTier = optionalText(data.service_tier) ?? this.#serviceTier;
    this.#fingerprint = optionalText(data.system_fingerprint) ?? this.#fingerprint;
    if (!Array.isArray(data.choices)) return;
    for (const choice of data.choices) {
      if (!isRecord(choice) || (choice.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? choice.message;
      if (isRecord(delta)) {
        if (delta.content !== undefined && delta.content !== null && typeof delta.content !== "string")
          throw this.#invalid(`delta.content is a ${typeof delta.content}, not a string or null`);
        if (typeof delta.content === "string" && delta.content !== "") {
          this.#content += delta.content;
          emit({ type: "text-delta", text: delta.content });
        }
        const reasoning = reasoningText(delta);
        if (reasoning !== "") {
          this.#reasoning += reasoning;
          emit({ type: "reasoning-delta", text: reasoning });
        }
        if (typeof delta.refusal === "string" && delta.refusal !== "") {
          this.#refusal = (this.#refusal ?? "") + delta.refusal;
          emit({ type: "refusal-delta", text: delta.refusal });
        }
        if (Array.isArray(delta.tool_calls))
          for (const call of delta.tool_calls) this.#addToolCallDelta(call);
      }
      const logprobs = mapLogprobs(choice.logprobs);
      if (logprobs) {
        this.#logprobs ??= { content: [], refusal: [] };
        this.#logprobs.content.push(...logprobs.content);
        this.#logprobs.refusal.push(...logprobs.refusal);
      }
      if (typeof choice.finish_reason === "string") {
        this.#finishReason = choice.finish_reason;
        this.#emitCalls(emit);
      }
    }
  }

  /** The answer is whole: choice 0 finished and the usage arrived (it comes last, or with the finish). */
  get complete(): boolean {
    return this.#finishReason !== undefined && this.#usage !== undefined;
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
    this.#emitCalls(ignore);
    const response = this.#build(LLMResponseStatus.SUCCESS, undefined);
    if (this.#usage === undefined) response.warnings.push(NO_USAGE_WARNING);
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
    const usage = mapUsage(this.#usage);
    return new LLMResponse({
      status,
      error,
      content: this.#content,
      tool_calls: [...this.#emittedCalls],
      finish_reason: this.#finishReason ?? "",
      send_tokens: usage.send_tokens,
      recv_tokens: usage.recv_tokens,
      total_tokens: usage.total_tokens,
      cached_tokens: usage.cached_tokens,
      reasoning_tokens: usage.reasoning_tokens,
      refusal: this.#refusal,
      model: this.#model,
      id: this.#id,
      request_id: this.options.request_id,
      warnings,
      reasoning: this.#reasoning,
      logprobs: mapLogprobs(this.#logprobs),
      service_tier: this.#serviceTier,
      system_fingerprint: this.#fingerprint,
    });
  }

  #addToolCallDelta(delta: NonNullable<WireDelta["tool_calls"]>[number]): void {
    if (!isRecord(delta)) return;
    const id = typeof delta.id === "string" && delta.id !== "" ? delta.id : undefined;
    const hasIndex = typeof delta.index === "number";
    // Without `index`, a delta continues the last call unless it brings a new id.
    const wireIndex = hasIndex ? (delta.index as number) : (this.#calls.get(this.#lastKey)?.wireIndex ?? -1);
    let key = hasIndex ? this.#slots.get(wireIndex) : this.#lastKey;
    const current = key === undefined ? undefined : this.#calls.get(key);
    const name = delta.function?.name;
    // Without `index` and `id` (Gemini's compatible endpoint streams parallel calls so), a delta
    // that names a function after the last call is whole starts another call.
    const startsAnother =
      !hasIndex &&
      id === undefined &&
      current !== undefined &&
      typeof name === "string" &&
      name !== "" &&
      current.name !== "" &&
      isWholeJson(current.arguments);
    if (
      current === undefined ||
      startsAnother ||
      (id !== undefined && current.id !== "" && current.id !== id)
    ) {
      key = this.#nextKey++;
      this.#calls.set(key, { wireIndex: hasIndex ? wireIndex : key, id: "", name: "", arguments: "" });
      this.#slots.set(hasIndex ? wireIndex : key, key);
    }
    this.#lastKey = key as number;
    const call = this.#calls.get(key as number)!;
    if (id !== undefined) call.id = id;
    const signature = thoughtSignatureOf(delta);
    if (signature !== undefined) call.signature ??= signature;
    // Some servers repeat the whole name in every delta; others could split it.
    if (typeof name === "string" && name !== call.name) call.name += name;
    const args = delta.function?.arguments;
    if (args !== undefined && args !== null) call.arguments += argumentsText(args);
  }

  /** Completes the calls assembled so far, in index order, and gives each to `emit`. */
  #emitCalls(emit: (part: StreamPart) => void): void {
    if (this.#calls.size === 0) return;
    const ordered = [...this.#calls.entries()].sort(([a, x], [b, y]) => x.wireIndex - y.wireIndex || a - b);
    for (const [, pending] of ordered) {
      if (pending.name === "")
        throw this.#invalid(`tool call at index ${pending.wireIndex} has no function name`);
      const tool_call = toToolCall({
        id: pending.id || generateToolCallId(),
        name: pending.name,
        rawArguments: pending.arguments,
      });
      if (pending.signature !== undefined) tool_call.thought_signature = pending.signature;
      this.#emittedCalls.push(tool_call);
      emit({ type: "tool-call", tool_call });
    }
    this.#calls.clear();
    this.#slots.clear();
  }

  #invalid(message: string): LLMError {
    return new LLMError({ kind: "invalid_response", message, request_id: this.options.request_id });
  }
}
