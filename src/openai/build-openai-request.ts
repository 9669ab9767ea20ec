import { requireConversation } from "../core/require-conversation.js";
import { checkNumber } from "../core/check-number.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { ChatMessage, ResponseFormat } from "../core/messages.js";
import { jsonText } from "../core/json-text.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { convertToOpenAIMessages } from "./convert-to-openai-messages.js";
import { checkOpenAIMediaLimits } from "./openai-media-limits.js";
import { isReasoningModel } from "./openai-chat-model.js";
import type { WireChatRequest } from "./openai-chat-api.js";
import { extraBody, type ParamDefaults, requestParams } from "./openai-request-params.js";
import { prepareOpenAITools, strictSchemaProblem } from "./prepare-openai-tools.js";

/** The config values a request is built from. */
export interface RequestDefaults extends ParamDefaults {
  chat_model: string;
  max_tokens: number;
  temperature: number;
  top_p: number;
}

function checkStop(stop: string | string[]): string | string[] {
  const list = typeof stop === "string" ? [stop] : stop;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > 4 ||
    list.some((item) => typeof item !== "string" || item === "")
  ) {
    throw new InvalidArgumentError(
      "stop",
      "must be a non-empty string or an array of 1 to 4 non-empty strings",
    );
  }
  return stop;
}

function checkResponseFormat(format: ResponseFormat): ResponseFormat {
  switch (format?.type) {
    case "text":
    case "json_object":
      return { type: format.type };
    case "json_schema": {
      const schema = format.json_schema;
      if (typeof schema?.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(schema.name)) {
        throw new InvalidArgumentError(
          "response_format.json_schema.name",
          "must be 1-64 characters of a-z, A-Z, 0-9, _ or -",
        );
      }
      if (typeof schema.schema !== "object" || schema.schema === null) {
        throw new InvalidArgumentError("response_format.json_schema.schema", "must be a JSON Schema object");
      }
      jsonText(schema.schema, "response_format.json_schema.schema");
      if (schema.strict === true) {
        const problem = strictSchemaProblem(schema.schema, "schema");
        if (problem !== undefined)
          throw new InvalidArgumentError(
            "response_format.json_schema.strict",
            `strict: true needs a qualifying schema: ${problem}`,
          );
      }
      return format;
    }
    default:
      throw new InvalidArgumentError(
        "response_format.type",
        'must be "text", "json_object" or "json_schema"',
      );
  }
}

/**
 * Builds the wire request of one call. Pure. Reasoning models get `max_completion_tokens` and no
 * `temperature`/`top_p`; streams ask for the usage chunk.
 */
export function buildOpenAIRequest(options: {
  messages: readonly ChatMessage[];
  call: ChatCompletionOptions;
  defaults: RequestDefaults;
  stream?: boolean;
  /** Receives what the caller should know (an option the model does not take, left out). */
  warnings?: string[];
  /** Check media against OpenAI's own documented limits (its API; other servers set theirs). */
  openaiLimits?: boolean;
}): WireChatRequest {
  const { call, defaults } = options;
  const model = call.model ?? defaults.chat_model;
  if (typeof model !== "string" || model === "")
    throw new InvalidArgumentError("model", "must be a non-empty string");
  if (call.thinking_budget !== undefined)
    throw new InvalidArgumentError(
      "thinking_budget",
      "is Claude's extended thinking; OpenAI models take reasoning_effort instead",
    );
  if (call.include_thoughts !== undefined)
    throw new InvalidArgumentError(
      "include_thoughts",
      "is Gemini's thought summaries; OpenAI-compatible servers that send reasoning give it in res.reasoning unasked",
    );
  requireConversation(options.messages);
  const request: WireChatRequest = { model, messages: convertToOpenAIMessages(options.messages) };
  if (options.openaiLimits) checkOpenAIMediaLimits(request.messages);
  const maxTokens = checkNumber(
    "max_tokens",
    call.max_tokens ?? defaults.max_tokens,
    1,
    Number.MAX_SAFE_INTEGER,
    true,
  );
  if (isReasoningModel(model)) {
    request.max_completion_tokens = maxTokens;
    for (const name of ["temperature", "top_p"] as const) {
      if (call[name] !== undefined && call[name] !== null) {
        checkNumber(name, call[name], 0, name === "top_p" ? 1 : 2);
        options.warnings?.push(`${name} is not sent: reasoning model ${model} does not accept it`);
      }
    }
  } else {
    request.max_tokens = maxTokens;
    request.temperature = checkNumber("temperature", call.temperature ?? defaults.temperature, 0, 2);
    request.top_p = checkNumber("top_p", call.top_p ?? defaults.top_p, 0, 1);
  }
  if (call.stop !== undefined) request.stop = checkStop(call.stop);
  const tools = prepareOpenAITools(call.tools, call.tool_choice);
  if (tools.tools) request.tools = tools.tools;
  if (tools.tool_choice !== undefined) request.tool_choice = tools.tool_choice;
  if (call.response_format !== undefined) request.response_format = checkResponseFormat(call.response_format);
  Object.assign(request, requestParams({ call, defaults, model, reasoning: isReasoningModel(model) }));
  if (options.stream) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  const extra = extraBody(call.extra_body);
  return extra === undefined ? request : Object.assign(request, extra);
}
