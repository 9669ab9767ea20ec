import { requireConversation } from "../core/require-conversation.js";
import { checkNumber } from "../core/check-number.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import type { ChatMessage, ResponseFormat } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { getAnthropicModelInfo } from "./anthropic-chat-model.js";
import type { AnthropicRequest, AnthropicTool } from "./anthropic-messages-api.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { prepareAnthropicTools } from "./prepare-anthropic-tools.js";

/** The config values a request is built from. */
export interface AnthropicRequestDefaults {
  chat_model: string;
  max_tokens: number;
  /** The config's sampling values, only where they were set (Claude gets none by default, as in Director). */
  temperature?: number | undefined;
  top_p?: number | undefined;
  reasoning_effort?: string | undefined;
  service_tier?: string | undefined;
}

/** Options with no equivalent in the Messages API: refused, so switching providers never silently changes behaviour. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  seed: "Claude has no seed",
  presence_penalty: "Claude has no presence penalty",
  frequency_penalty: "Claude has no frequency penalty",
  logit_bias: "Claude has no logit bias",
  logprobs: "Claude returns no log probabilities",
  top_logprobs: "Claude returns no log probabilities",
  verbosity: "Claude has no verbosity setting",
  store: "Claude stores no completions",
  prompt_cache_key: "Claude caches by cache_control blocks, not a key",
  prediction: "Claude has no predicted outputs",
  include_thoughts: "Claude returns its thinking whenever it thinks (see reasoning_effort)",
};
/** The same, as a list: checked on every call, so not rebuilt with `Object.entries` each time. */
const UNSUPPORTED_ENTRIES = Object.entries(UNSUPPORTED);

/** Thinking budgets (tokens) for `reasoning_effort`; `none` is no thinking. */
const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  max: 63999,
};

/** The name of the tool that carries a `response_format` answer. */
export const JSON_TOOL = "json_response";

/** A `response_format` as a forced tool whose input schema is the requested schema. */
function jsonTool(format: ResponseFormat): AnthropicTool | undefined {
  if (!isRecord(format)) throw new InvalidArgumentError("response_format", "must be an object");
  if (format.type === "text") return undefined;
  if (format.type === "json_object")
    return {
      name: JSON_TOOL,
      description: "Give the answer as this JSON object.",
      input_schema: { type: "object" },
    };
  if (format.type === "json_schema") {
    const schema = format.json_schema?.schema;
    if (!isRecord(schema) || (schema["type"] !== undefined && schema["type"] !== "object"))
      throw new InvalidArgumentError(
        "response_format.json_schema.schema",
        "must be an object schema on Claude (it becomes a tool's input)",
      );
    jsonText(schema, "response_format.json_schema.schema");
    const description = format.json_schema.description ?? "Give the answer as this JSON object.";
    return { name: JSON_TOOL, description, input_schema: { type: "object", ...schema } };
  }
  throw new InvalidArgumentError("response_format.type", 'must be "text", "json_object" or "json_schema"');
}

/** The thinking budget of a call: `thinking_budget`, else `reasoning_effort` (the call's, or the config's for thinking models). */
function thinkingBudget(
  call: ChatCompletionOptions,
  defaults: AnthropicRequestDefaults,
  thinkingModel: boolean,
  maxTokens: number,
  warnings: string[],
) {
  if (call.thinking_budget !== undefined) {
    const budget = checkNumber("thinking_budget", call.thinking_budget, 1024, Number.MAX_SAFE_INTEGER, true);
    if (budget >= maxTokens)
      throw new InvalidArgumentError("thinking_budget", `must be less than max_tokens (${maxTokens})`);
    return budget;
  }
  const effort = call.reasoning_effort ?? (thinkingModel ? defaults.reasoning_effort : undefined);
  if (effort === undefined || effort === "none") return undefined;
  const wanted = Object.hasOwn(EFFORT_BUDGET, effort) ? EFFORT_BUDGET[effort] : undefined;
  if (wanted === undefined)
    throw new InvalidArgumentError(
      "reasoning_effort",
      `must be one of none, ${Object.keys(EFFORT_BUDGET).join(", ")} (got ${JSON.stringify(effort)})`,
    );
  const budget = Math.min(wanted, maxTokens - 1);
  if (budget < 1024)
    throw new InvalidArgumentError(
      "reasoning_effort",
      `needs max_tokens above 1024 for a thinking budget (max_tokens is ${maxTokens})`,
    );
  if (budget < wanted)
    warnings.push(
      `reasoning_effort ${effort}: thinking budget ${wanted} lowered to ${budget} to stay below max_tokens`,
    );
  return budget;
}

/**
 * Builds the Messages API request of one call. Pure. `max_tokens` is always sent (the API requires
 * it); `temperature` and `top_p` go together only to models that take both (from Claude 4.5 on,
 * `top_p` only when asked for, and then instead of `temperature`), and neither with thinking;
 * `response_format` becomes a forced tool; options the API has no equivalent for are refused.
 */
export function buildAnthropicRequest(options: {
  messages: readonly ChatMessage[];
  call: ChatCompletionOptions;
  defaults: AnthropicRequestDefaults;
  stream?: boolean;
  warnings: string[];
}): AnthropicRequest {
  const { call, defaults, warnings } = options;
  for (const [name, reason] of UNSUPPORTED_ENTRIES)
    if ((call as Record<string, unknown>)[name] !== undefined)
      throw new InvalidArgumentError(
        name,
        `${reason}; leave it out (or send a provider parameter through extra_body)`,
      );
  const model = call.model ?? defaults.chat_model;
  if (typeof model !== "string" || model === "")
    throw new InvalidArgumentError("model", "must be a non-empty string");
  const info = getAnthropicModelInfo(model);
  const maxTokens = checkNumber(
    "max_tokens",
    call.max_tokens ?? defaults.max_tokens,
    1,
    Number.MAX_SAFE_INTEGER,
    true,
  );
  requireConversation(options.messages);
  const { system, messages } = convertToAnthropicMessages(options.messages);
  const request: AnthropicRequest = { model, max_tokens: maxTokens, messages };
  if (system.length > 0) request.system = system;

  const format = call.response_format === undefined ? undefined : jsonTool(call.response_format);
  if (format && call.tools !== undefined && call.tools.length > 0)
    throw new InvalidArgumentError(
      "response_format",
      "cannot be combined with tools on Claude (it is carried by a forced tool)",
    );
  const tools = prepareAnthropicTools({
    tools: call.tools,
    toolChoice: call.tool_choice,
    parallelToolCalls: call.parallel_tool_calls,
    warnings,
  });
  if (format) {
    request.tools = [format];
    request.tool_choice = { type: "tool", name: JSON_TOOL };
  } else {
    if (tools.tools) request.tools = tools.tools;
    if (tools.tool_choice) request.tool_choice = tools.tool_choice;
  }

  const budget = thinkingBudget(call, defaults, info?.thinking ?? true, maxTokens, warnings);
  if (budget !== undefined) {
    if (request.tool_choice?.type === "any" || request.tool_choice?.type === "tool")
      throw new InvalidArgumentError(
        format ? "response_format" : "tool_choice",
        "cannot force a tool while Claude thinks (thinking allows tool_choice auto or none)",
      );
    request.thinking = { type: "enabled", budget_tokens: budget };
    for (const name of ["temperature", "top_p"] as const)
      if (call[name] !== undefined)
        warnings.push(`${name} is not sent: Claude's extended thinking does not take it`);
  } else {
    const temperature = call.temperature ?? defaults.temperature;
    const topP = call.top_p ?? defaults.top_p;
    if (temperature !== undefined) checkNumber("temperature", temperature, 0, 1);
    if (topP !== undefined) checkNumber("top_p", topP, 0, 1);
    if (temperature !== undefined && topP !== undefined && !info?.sampling_pair) {
      // From Claude 4.5 on the API refuses both: the one given for this call wins, else temperature.
      if (call.temperature !== undefined && call.top_p !== undefined)
        throw new InvalidArgumentError("top_p", `${model} takes temperature or top_p, not both`);
      if (call.top_p !== undefined) request.top_p = topP;
      else request.temperature = temperature;
    } else {
      if (temperature !== undefined) request.temperature = temperature;
      if (topP !== undefined) request.top_p = topP;
    }
  }

  if (call.stop !== undefined) {
    const stops = typeof call.stop === "string" ? [call.stop] : call.stop;
    if (
      !Array.isArray(stops) ||
      stops.length === 0 ||
      stops.some((stop) => typeof stop !== "string" || stop === "")
    )
      throw new InvalidArgumentError("stop", "must be a non-empty string or an array of non-empty strings");
    request.stop_sequences = [...stops];
  }
  const user = call.safety_identifier ?? call.user;
  if (user !== undefined) {
    if (typeof user !== "string" || user === "")
      throw new InvalidArgumentError(
        call.safety_identifier !== undefined ? "safety_identifier" : "user",
        "must be a non-empty string",
      );
    request.metadata = { user_id: user };
  }
  if (call.metadata !== undefined)
    throw new InvalidArgumentError(
      "metadata",
      "Claude's metadata holds only a user id; use user or safety_identifier",
    );
  const tier = call.service_tier ?? defaults.service_tier;
  if (tier !== undefined) {
    if (tier !== "auto" && tier !== "default")
      throw new InvalidArgumentError(
        "service_tier",
        `Claude takes auto or default (sent as standard_only), not ${JSON.stringify(tier)}`,
      );
    request.service_tier = tier === "auto" ? "auto" : "standard_only";
  }
  request.stream = options.stream === true;
  if (call.extra_body !== undefined) {
    if (!isRecord(call.extra_body))
      throw new InvalidArgumentError("extra_body", "must be an object of body parameters");
    jsonText(call.extra_body, "extra_body");
    Object.assign(request, call.extra_body);
  }
  return request;
}
