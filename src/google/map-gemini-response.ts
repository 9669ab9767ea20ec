import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus, type Logprobs, type TokenLogprob } from "../core/llm-response.js";
import type { ToolCall } from "../core/messages.js";
import {
  generateToolCallId,
  parseJsonResult,
  toolCallWarnings,
  toToolCall,
} from "../llm/parse-tool-arguments.js";
import { classifyStreamError } from "../transport/classify-http-error.js";
import type { GeminiCandidate, GeminiPart, GeminiResponse, GeminiUsage } from "./gemini-api.js";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Token counts in the shape every provider shares: prompt = `promptTokenCount` +
 * `toolUsePromptTokenCount`, cached = `cachedContentTokenCount` (part of the prompt), completion =
 * `candidatesTokenCount` + `thoughtsTokenCount`, reasoning = `thoughtsTokenCount`, total =
 * `totalTokenCount` (the sum when it is missing).
 */
export function mapGeminiUsage(usage: GeminiUsage | undefined) {
  const send_tokens = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const reasoning_tokens = count(usage?.thoughtsTokenCount);
  const recv_tokens = count(usage?.candidatesTokenCount) + reasoning_tokens;
  return {
    send_tokens,
    recv_tokens,
    total_tokens: count(usage?.totalTokenCount) || send_tokens + recv_tokens,
    cached_tokens: count(usage?.cachedContentTokenCount),
    reasoning_tokens,
    send_tokens_by_modality: byModality(usage?.promptTokensDetails),
  };
}

/** `promptTokensDetails` (`[{ modality: "VIDEO", tokenCount }]`) as `{ video: n, ... }`. */
function byModality(details: GeminiUsage["promptTokensDetails"]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const detail of Array.isArray(details) ? details : []) {
    if (typeof detail?.modality !== "string") continue;
    const key = detail.modality.toLowerCase();
    counts[key] = (counts[key] ?? 0) + count(detail.tokenCount);
  }
  return counts;
}

/** Safety-type finish reasons: the answer was stopped by a filter. */
const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "LANGUAGE",
]);

/**
 * Gemini's finish reason in the vocabulary Director's agents compare against (what Gemini's
 * OpenAI-compatible endpoint returns): `tool_calls` when the answer calls tools (Gemini itself says
 * `STOP`), `stop`, `length` for `MAX_TOKENS`, `content_filter` for the safety reasons; any other
 * reason lower-cased.
 */
export function mapGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): string {
  if (reason === undefined || reason === "") return hasToolCalls ? "tool_calls" : "";
  if (hasToolCalls && reason === "STOP") return "tool_calls";
  if (reason === "STOP") return "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content_filter";
  return reason.toLowerCase();
}

/** What the parts of a candidate say, accumulated (a stream adds each event's parts). */
export class GeminiParts {
  content = "";
  reasoning = "";
  readonly tool_calls: ToolCall[] = [];
  /** The signature of the answer's text (the last one given on a text part). */
  thought_signature: string | undefined;

  /** Reads one part; returns what it adds, for a stream to emit. */
  add(part: unknown): { text?: string; reasoning?: string; call?: ToolCall } {
    if (!isRecord(part)) return {};
    const { text, thought, thoughtSignature, functionCall } = part as GeminiPart;
    if (isRecord(functionCall) && typeof functionCall.name === "string") {
      const args = functionCall.args;
      const call = toToolCall({
        id:
          typeof functionCall.id === "string" && functionCall.id !== ""
            ? functionCall.id
            : generateToolCallId(),
        name: functionCall.name,
        rawArguments:
          args === undefined || args === null ? "" : typeof args === "string" ? args : JSON.stringify(args),
      });
      if (typeof thoughtSignature === "string" && thoughtSignature !== "")
        call.thought_signature = thoughtSignature;
      this.tool_calls.push(call);
      return { call };
    }
    if (typeof text !== "string") return {};
    if (thought === true) {
      this.reasoning += text;
      return text === "" ? {} : { reasoning: text };
    }
    if (typeof thoughtSignature === "string" && thoughtSignature !== "")
      this.thought_signature = thoughtSignature;
    this.content += text;
    return text === "" ? {} : { text };
  }
}

/** Gemini's `logprobsResult` in the shape `res.logprobs` has on every provider. */
export function mapGeminiLogprobs(result: unknown): Logprobs | undefined {
  if (!isRecord(result) || !Array.isArray(result["chosenCandidates"])) return undefined;
  const tops = Array.isArray(result["topCandidates"]) ? result["topCandidates"] : [];
  const entry = (candidate: unknown) => {
    const record = isRecord(candidate) ? candidate : {};
    return {
      token: typeof record["token"] === "string" ? record["token"] : "",
      logprob: typeof record["logProbability"] === "number" ? record["logProbability"] : 0,
      bytes: null,
    };
  };
  const content: TokenLogprob[] = result["chosenCandidates"].map((chosen: unknown, index: number) => {
    const top = tops[index];
    const candidates = isRecord(top) && Array.isArray(top["candidates"]) ? top["candidates"] : [];
    return { ...entry(chosen), top_logprobs: candidates.map(entry) };
  });
  return { content, refusal: [] };
}

/** A prompt blocked before generation: a failure (not retried) that names the block reason. */
export function blockedPrompt(body: GeminiResponse, request_id: string | undefined): LLMError | undefined {
  const feedback = body.promptFeedback;
  if (!isRecord(feedback) || typeof feedback.blockReason !== "string") return undefined;
  if (Array.isArray(body.candidates) && body.candidates.length > 0) return undefined;
  const detail = typeof feedback.blockReasonMessage === "string" ? `: ${feedback.blockReasonMessage}` : "";
  return new LLMError({
    kind: "content_filter",
    message: `the prompt was blocked before any answer (blockReason ${feedback.blockReason})${detail}`,
    code: feedback.blockReason,
    status_code: 200,
    request_id,
    retryable: false,
  });
}

/** The response in the shared shape, from what a candidate's parts said. */
export function buildGeminiResponse(options: {
  parts: GeminiParts;
  finishReason: string | undefined;
  usage: GeminiUsage | undefined;
  model: string | undefined;
  id: string | undefined;
  request_id: string | undefined;
  responseFormatType: string | undefined;
  logprobs?: Logprobs | undefined;
  status?: LLMResponseStatus;
  error?: LLMError | undefined;
}): LLMResponse {
  const { parts } = options;
  const warnings = toolCallWarnings(parts.tool_calls);
  const json = parts.tool_calls.length > 0 ? {} : parseJsonResult(parts.content, options.responseFormatType);
  if (json.warning) warnings.push(json.warning);
  return new LLMResponse({
    status: options.status ?? LLMResponseStatus.SUCCESS,
    error: options.error,
    content: parts.content,
    tool_calls: parts.tool_calls,
    finish_reason: mapGeminiFinishReason(options.finishReason, parts.tool_calls.length > 0),
    provider_finish_reason: options.finishReason,
    ...mapGeminiUsage(options.usage),
    parsed: json.parsed,
    reasoning: parts.reasoning,
    thought_signature: parts.thought_signature,
    model: options.model,
    id: options.id,
    request_id: options.request_id,
    service_tier: typeof options.usage?.serviceTier === "string" ? options.usage.serviceTier : undefined,
    logprobs: options.logprobs,
    warnings,
  });
}

/**
 * Maps a `generateContent` body. Pure. A prompt blocked before generation fails as
 * `content_filter`; an error object in a 200 body is classified like the HTTP error it stands
 * for; a body without a candidate is `invalid_response`. Only the first candidate is read.
 */
export function mapGeminiResponse(options: {
  body: unknown;
  request_id?: string | undefined;
  responseFormatType: string | undefined;
  secrets?: readonly string[];
}): LLMResponse {
  const { request_id } = options;
  if (!isRecord(options.body))
    throw new LLMError({
      kind: "invalid_response",
      message: "response body is not a JSON object",
      status_code: 200,
      request_id,
    });
  const body = options.body as GeminiResponse & { error?: unknown };
  if (body.error !== undefined && body.candidates === undefined)
    throw classifyStreamError({
      error: body.error,
      request_id,
      secrets: options.secrets ?? [],
      where: "error object in a 200 response",
    });
  const blocked = blockedPrompt(body, request_id);
  if (blocked) throw blocked;
  const candidate: GeminiCandidate | undefined = Array.isArray(body.candidates)
    ? body.candidates[0]
    : undefined;
  if (!isRecord(candidate))
    throw new LLMError({
      kind: "invalid_response",
      message: "response has no candidates",
      status_code: 200,
      request_id,
    });
  const parts = new GeminiParts();
  const wire =
    isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  for (const part of wire) parts.add(part);
  return buildGeminiResponse({
    parts,
    finishReason: typeof candidate.finishReason === "string" ? candidate.finishReason : undefined,
    usage: isRecord(body.usageMetadata) ? body.usageMetadata : undefined,
    model: typeof body.modelVersion === "string" ? body.modelVersion : undefined,
    id: typeof body.responseId === "string" ? body.responseId : undefined,
    request_id,
    responseFormatType: options.responseFormatType,
    logprobs: mapGeminiLogprobs((candidate as Record<string, unknown>)["logprobsResult"]),
  });
}
