import { requireConversation } from "../core/require-conversation.js";
import { checkNumber } from "../core/check-number.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import type { ChatMessage } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { convertToGeminiContents } from "./convert-to-gemini-contents.js";
import type { GeminiGenerationConfig, GeminiRequest, GeminiThinkingConfig } from "./gemini-api.js";
import { geminiJsonSchema } from "./gemini-json-schema.js";
import { geminiThinkingOf } from "./google-chat-model.js";
import { prepareGeminiTools } from "./prepare-gemini-tools.js";

/** The config values a request is built from. */
export interface GeminiRequestDefaults {
  chat_model: string;
  max_tokens: number;
  /** The config's sampling values, only where they were set (Gemini's own defaults otherwise). */
  temperature?: number | undefined;
  top_p?: number | undefined;
  reasoning_effort?: string | undefined;
}

/** A request and the model it goes to (the model is in the URL, not the body). */
export interface GeminiCall {
  model: string;
  body: GeminiRequest;
  max_tokens: number;
}

/** Options with no equivalent in the Gemini API: refused, so switching providers never silently changes behaviour. */
const UNSUPPORTED: ReadonlyArray<[keyof ChatCompletionOptions, string]> = [
  ["logit_bias", "Gemini has no logit bias"],
  ["verbosity", "Gemini has no verbosity setting"],
  ["store", "Gemini stores no completions"],
  ["prompt_cache_key", "Gemini caches implicitly, or by cachedContent (send it through extra_body)"],
  ["prediction", "Gemini has no predicted outputs"],
  ["service_tier", "the Gemini API takes no service tier per request"],
  ["metadata", "Gemini takes no request metadata"],
  ["user", "Gemini takes no end-user id"],
  ["safety_identifier", "Gemini takes no end-user id"],
  ["parallel_tool_calls", "Gemini has no setting for parallel tool calls"],
];

/** `thinkingLevel` of Gemini 3 for each `reasoning_effort`. */
const EFFORT_LEVEL: Readonly<Record<string, string>> = {
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};
/** `thinkingBudget` (tokens) of Gemini 2.5 for each `reasoning_effort`; `none` is 0 (off, where the model allows). */
const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

/**
 * The thinking settings of a call: `reasoning_effort` as `thinkingLevel` on Gemini 3 and as
 * `thinkingBudget` on 2.5 (never both, which Gemini refuses), `thinking_budget` as a budget, and
 * `include_thoughts` for thought summaries.
 */
function thinkingConfig(
  model: string,
  call: ChatCompletionOptions,
  defaults: GeminiRequestDefaults,
): GeminiThinkingConfig | undefined {
  const kind = geminiThinkingOf(model);
  const config: GeminiThinkingConfig = {};
  if (call.reasoning_effort !== undefined && call.thinking_budget !== undefined)
    throw new InvalidArgumentError(
      "thinking_budget",
      "give reasoning_effort or thinking_budget, not both (Gemini refuses both)",
    );
  if (call.thinking_budget !== undefined) {
    if (kind === false) throw new InvalidArgumentError("thinking_budget", `${model} does not think`);
    config.thinkingBudget = checkNumber(
      "thinking_budget",
      call.thinking_budget,
      0,
      Number.MAX_SAFE_INTEGER,
      true,
    );
  } else {
    const effort = call.reasoning_effort ?? (kind ? defaults.reasoning_effort : undefined);
    if (effort !== undefined) {
      if (kind === false || kind === undefined)
        throw new InvalidArgumentError(
          "reasoning_effort",
          kind === false
            ? `${model} does not think`
            : `unknown whether ${model} thinks by level or budget; use thinking_budget`,
        );
      if (kind === "level") {
        if (effort === "none")
          throw new InvalidArgumentError(
            "reasoning_effort",
            `Gemini 3 models cannot turn thinking off; use minimal or low`,
          );
        const level = Object.hasOwn(EFFORT_LEVEL, effort) ? EFFORT_LEVEL[effort] : undefined;
        if (level === undefined) throw badEffort(effort);
        config.thinkingLevel = level;
      } else {
        const budget = Object.hasOwn(EFFORT_BUDGET, effort) ? EFFORT_BUDGET[effort] : undefined;
        if (budget === undefined) throw badEffort(effort);
        config.thinkingBudget = budget;
      }
    }
  }
  if (call.include_thoughts !== undefined) {
    if (typeof call.include_thoughts !== "boolean")
      throw new InvalidArgumentError("include_thoughts", "must be a boolean");
    if (call.include_thoughts && kind === false)
      throw new InvalidArgumentError("include_thoughts", `${model} does not think`);
    config.includeThoughts = call.include_thoughts;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function badEffort(effort: string): InvalidArgumentError {
  return new InvalidArgumentError(
    "reasoning_effort",
    `must be one of ${Object.keys(EFFORT_BUDGET).join(", ")} (got ${JSON.stringify(effort)})`,
  );
}

function stopSequences(stop: string | string[]): string[] {
  const stops = typeof stop === "string" ? [stop] : stop;
  if (
    !Array.isArray(stops) ||
    stops.length === 0 ||
    stops.length > 5 ||
    stops.some((item) => typeof item !== "string" || item === "")
  )
    throw new InvalidArgumentError("stop", "must be a non-empty string or 1 to 5 non-empty strings");
  return [...stops];
}

/** Plain objects merge key by key (so `extra_body.generationConfig` adds to the built one); anything else replaces. */
function deepMerge(target: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = target[key];
    if (isRecord(current) && isRecord(value) && !Array.isArray(current) && !Array.isArray(value)) {
      const copy = { ...current };
      deepMerge(copy, value);
      target[key] = copy;
    } else target[key] = value;
  }
}

/**
 * Builds the `generateContent` request of one call. Pure. `max_tokens` is `maxOutputTokens`,
 * `stop` is `stopSequences`, `response_format` is `responseMimeType` (plus `responseJsonSchema`
 * for a schema), `reasoning_effort` is a thinking level (3.x) or budget (2.5); options Gemini has no
 * equivalent for are refused; `extra_body` is merged in last, objects key by key.
 */
export function buildGeminiRequest(options: {
  messages: readonly ChatMessage[];
  call: ChatCompletionOptions;
  defaults: GeminiRequestDefaults;
  warnings: string[];
}): GeminiCall {
  const { call, defaults, warnings } = options;
  for (const [name, reason] of UNSUPPORTED)
    if (call[name] !== undefined)
      throw new InvalidArgumentError(
        name,
        `${reason}; leave it out (or send a Gemini parameter through extra_body)`,
      );
  const model = call.model ?? defaults.chat_model;
  if (typeof model !== "string" || model === "" || /[/?#\s]/.test(model.replace(/^models\//, "")))
    throw new InvalidArgumentError("model", "must be a Gemini model id such as gemini-2.5-flash");
  const maxTokens = checkNumber(
    "max_tokens",
    call.max_tokens ?? defaults.max_tokens,
    1,
    Number.MAX_SAFE_INTEGER,
    true,
  );
  const generation: GeminiGenerationConfig = { maxOutputTokens: maxTokens };
  const temperature = call.temperature ?? defaults.temperature;
  if (temperature !== undefined) generation.temperature = checkNumber("temperature", temperature, 0, 2);
  const topP = call.top_p ?? defaults.top_p;
  if (topP !== undefined) generation.topP = checkNumber("top_p", topP, 0, 1);
  if (call.stop !== undefined) generation.stopSequences = stopSequences(call.stop);
  if (call.seed !== undefined)
    generation.seed = checkNumber("seed", call.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  if (call.presence_penalty !== undefined)
    generation.presencePenalty = checkNumber("presence_penalty", call.presence_penalty, -2, 2);
  if (call.frequency_penalty !== undefined)
    generation.frequencyPenalty = checkNumber("frequency_penalty", call.frequency_penalty, -2, 2);
  if (call.logprobs !== undefined) {
    if (typeof call.logprobs !== "boolean") throw new InvalidArgumentError("logprobs", "must be a boolean");
    if (call.logprobs) generation.responseLogprobs = true;
  }
  if (call.top_logprobs !== undefined) {
    if (call.logprobs !== true) throw new InvalidArgumentError("top_logprobs", "needs logprobs: true");
    generation.logprobs = checkNumber("top_logprobs", call.top_logprobs, 0, 20, true);
  }
  const format = call.response_format;
  if (format !== undefined) {
    if (!isRecord(format)) throw new InvalidArgumentError("response_format", "must be an object");
    if (format.type === "json_object") generation.responseMimeType = "application/json";
    else if (format.type === "json_schema") {
      const schema = format.json_schema?.schema;
      if (!isRecord(schema))
        throw new InvalidArgumentError("response_format.json_schema.schema", "must be a JSON Schema object");
      jsonText(schema, "response_format.json_schema.schema");
      generation.responseMimeType = "application/json";
      generation.responseJsonSchema = geminiJsonSchema(schema);
      // `strict` has no Gemini field: Gemini follows responseJsonSchema as given.
    } else if (format.type !== "text")
      throw new InvalidArgumentError(
        "response_format.type",
        'must be "text", "json_object" or "json_schema"',
      );
  }
  const thinking = thinkingConfig(model, call, defaults);
  if (thinking) generation.thinkingConfig = thinking;

  requireConversation(options.messages);
  const body: GeminiRequest = { ...convertToGeminiContents(options.messages), generationConfig: generation };
  checkInlineLimit(body);
  Object.assign(
    body,
    prepareGeminiTools({
      tools: call.tools,
      toolChoice: call.tool_choice,
      parallelToolCalls: undefined,
      warnings,
    }),
  );
  if (call.extra_body !== undefined) {
    if (!isRecord(call.extra_body))
      throw new InvalidArgumentError("extra_body", "must be an object of body parameters");
    jsonText(call.extra_body, "extra_body");
    deepMerge(body, call.extra_body as Record<string, unknown>);
  }
  return { model: model.replace(/^models\//, ""), body, max_tokens: maxTokens };
}

/** Gemini's limit on inline data in one request; larger media goes through the Files API. */
export const GEMINI_INLINE_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * Refuses a request whose inline media passes Gemini's 20 MB request limit, before anything is
 * sent, pointing at the Files API.
 */
function checkInlineLimit(body: GeminiRequest): void {
  let bytes = 0;
  for (const content of body.contents)
    for (const part of content.parts) if (part.inlineData) bytes += part.inlineData.data.length;
  if (bytes <= GEMINI_INLINE_LIMIT_BYTES) return;
  throw new InvalidArgumentError(
    "messages",
    `the inline media is ${(bytes / 1024 / 1024).toFixed(1)} MB (base64), over Gemini's 20 MB request limit; upload it through the Gemini Files API and send { type: "media", file: "<file uri>", media_type }`,
  );
}
