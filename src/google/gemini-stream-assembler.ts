import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { type LLMResponse, LLMResponseStatus, type Logprobs } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import type { GeminiResponse, GeminiUsage } from "./gemini-api.js";
import { blockedPrompt, buildGeminiResponse, GeminiParts, mapGeminiLogprobs } from "./map-gemini-response.js";

/**
 * Assembles `streamGenerateContent?alt=sse` events (each a `GenerateContentResponse`) into typed
 * parts and, at the end, the same {@link LLMResponse} the non-streaming call gives. Pure: no I/O.
 * Text and thought summaries go out as they arrive; each function call arrives whole in one part
 * and goes out at once; usage is the last event's (it repeats on every event, and the prompt count
 * can change in the last one). There is no end marker: the event with a `finishReason` completes
 * the answer, and a stream that ends before one was cut.
 */
export class GeminiStreamAssembler {
  readonly #parts = new GeminiParts();
  #usage: GeminiUsage | undefined;
  #model: string | undefined;
  #id: string | undefined;
  #finishReason: string | undefined;
  #logprobs: Logprobs | undefined;

  constructor(
    private readonly options: {
      request_id?: string | undefined;
      responseFormatType: string | undefined;
      secrets?: readonly string[];
    },
  ) {}

  /** The answer is whole: its finish reason arrived (with the final usage). */
  get complete(): boolean {
    return this.#finishReason !== undefined;
  }

  /** Takes one parsed event (`"done"` for the end of a JSON body) and gives `emit` the parts it completes. */
  push(event: unknown, emit: (part: StreamPart) => void): void {
    if (event === "done") return;
    // A server that ignored alt=sse answers with a JSON array of the events.
    if (Array.isArray(event)) {
      for (const item of event) this.push(item, emit);
      return;
    }
    if (!isRecord(event)) throw this.#invalid("stream event is not a JSON object");
    const body = event as GeminiResponse & { error?: unknown };
    if (body.error !== undefined && body.candidates === undefined)
      throw classifyStreamError({
        error: body.error,
        request_id: this.options.request_id,
        secrets: this.options.secrets ?? [],
      });
    const blocked = blockedPrompt(body, this.options.request_id);
    if (blocked) throw blocked;
    if (typeof body.modelVersion === "string" && body.modelVersion !== "") this.#model = body.modelVersion;
    if (typeof body.responseId === "string" && body.responseId !== "") this.#id = body.responseId;
    if (isRecord(body.usageMetadata)) this.#usage = body.usageMetadata;
    const candidate = Array.isArray(body.candidates) ? body.candidates[0] : undefined;
    if (!isRecord(candidate)) return;
    const parts =
      isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) {
      const added = this.#parts.add(part);
      if (added.text !== undefined) emit({ type: "text-delta", text: added.text });
      else if (added.reasoning !== undefined) emit({ type: "reasoning-delta", text: added.reasoning });
      else if (added.call !== undefined) emit({ type: "tool-call", tool_call: added.call });
    }
    const logprobs = mapGeminiLogprobs((candidate as Record<string, unknown>)["logprobsResult"]);
    if (logprobs) {
      this.#logprobs ??= { content: [], refusal: [] };
      this.#logprobs.content.push(...logprobs.content);
    }
    if (typeof candidate.finishReason === "string" && candidate.finishReason !== "")
      this.#finishReason = candidate.finishReason;
  }

  /** The response of a stream that ended; throws a retryable `connection` error when it ended before a finish reason. */
  finish(): LLMResponse {
    if (this.#finishReason === undefined)
      throw new LLMError({
        kind: "connection",
        message: "stream ended before completion (no finishReason)",
        request_id: this.options.request_id,
        retryable: true,
      });
    return this.#build(LLMResponseStatus.SUCCESS, undefined);
  }

  partial(error: LLMError): LLMResponse {
    return this.#build(LLMResponseStatus.ERROR, error);
  }

  #build(status: LLMResponseStatus, error: LLMError | undefined): LLMResponse {
    return buildGeminiResponse({
      parts: this.#parts,
      finishReason: this.#finishReason,
      usage: this.#usage,
      model: this.#model,
      id: this.#id,
      request_id: this.options.request_id,
      responseFormatType: this.options.responseFormatType,
      logprobs: this.#logprobs,
      status,
      error,
    });
  }

  #invalid(message: string): LLMError {
    return new LLMError({ kind: "invalid_response", message, request_id: this.options.request_id });
  }
}
