import { checkNumber } from "../core/check-number.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { REASONING_EFFORTS, SERVICE_TIERS, VERBOSITIES } from "../core/base-llm-config-options.js";

/** A check of one option: returns the value to send, or throws {@link InvalidArgumentError}. */
type Check = (value: unknown, name: string) => unknown;

const oneOf =
  (allowed: readonly string[]): Check =>
  (value, name) => {
    if (typeof value !== "string" || !allowed.includes(value))
      throw new InvalidArgumentError(
        name,
        `must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`,
      );
    return value;
  };

const boolean: Check = (value, name) => {
  if (typeof value !== "boolean")
    throw new InvalidArgumentError(name, `must be true or false (got ${JSON.stringify(value)})`);
  return value;
};

const number =
  (min: number, max: number, integer = false): Check =>
  (value, name) =>
    checkNumber(name, value, min, max, integer);

const text =
  (maxLength = Number.POSITIVE_INFINITY): Check =>
  (value, name) => {
    if (typeof value !== "string" || value === "" || value.length > maxLength)
      throw new InvalidArgumentError(
        name,
        `must be a non-empty string${Number.isFinite(maxLength) ? ` of at most ${maxLength} characters` : ""}`,
      );
    return value;
  };

const logitBias: Check = (value, name) => {
  if (!isRecord(value)) throw new InvalidArgumentError(name, "must map token ids to biases from -100 to 100");
  for (const [token, bias] of Object.entries(value)) {
    if (!/^\d+$/.test(token))
      throw new InvalidArgumentError(`${name}.${token}`, "keys are token ids (digits)");
    number(-100, 100, true)(bias, `${name}.${token}`);
  }
  return value;
};

const metadata: Check = (value, name) => {
  if (!isRecord(value)) throw new InvalidArgumentError(name, "must be an object of strings");
  const entries = Object.entries(value);
  if (entries.length > 16)
    throw new InvalidArgumentError(name, `holds at most 16 pairs (got ${entries.length})`);
  for (const [key, item] of entries) {
    if (key.length > 64)
      throw new InvalidArgumentError(name, `keys are at most 64 characters (${key.slice(0, 20)}...)`);
    if (typeof item !== "string" || item.length > 512)
      throw new InvalidArgumentError(`${name}.${key}`, "must be a string of at most 512 characters");
  }
  return value;
};

const prediction: Check = (value, name) => {
  const content = isRecord(value) && value["type"] === "content" ? value["content"] : undefined;
  const parts =
    Array.isArray(content) &&
    content.length > 0 &&
    content.every((part) => isRecord(part) && part["type"] === "text" && typeof part["text"] === "string");
  if (typeof content !== "string" && !parts)
    throw new InvalidArgumentError(name, 'must be { type: "content", content: a string or text parts }');
  return value;
};

/** The Chat Completions parameters passed through, each with its check (the spec's ranges). */
const PARAMS: Readonly<Record<string, Check>> = {
  reasoning_effort: oneOf(REASONING_EFFORTS),
  verbosity: oneOf(VERBOSITIES),
  seed: number(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true),
  parallel_tool_calls: boolean,
  presence_penalty: number(-2, 2),
  frequency_penalty: number(-2, 2),
  logit_bias: logitBias,
  logprobs: boolean,
  top_logprobs: number(0, 20, true),
  service_tier: oneOf(SERVICE_TIERS),
  user: text(),
  safety_identifier: text(64),
  metadata,
  store: boolean,
  prompt_cache_key: text(),
  prediction,
};

/** The config defaults a call falls back to, and the models they apply to. */
export interface ParamDefaults {
  reasoning_effort?: string | undefined;
  verbosity?: string | undefined;
  service_tier?: string | undefined;
}

/**
 * The optional parameters of one request, checked: the call's own, then the config's defaults
 * where they apply (`reasoning_effort` to reasoning models, `verbosity` to gpt-5 models,
 * `service_tier` to all). Pure.
 */
export function requestParams(options: {
  call: ChatCompletionOptions;
  defaults: ParamDefaults;
  model: string;
  reasoning: boolean;
}): Record<string, unknown> {
  const { call, defaults } = options;
  const params: Record<string, unknown> = {};
  // Only the keys the config or a call sets: most set none (this runs on every request).
  if (options.reasoning && defaults.reasoning_effort !== undefined)
    params["reasoning_effort"] = PARAMS["reasoning_effort"]!(defaults.reasoning_effort, "reasoning_effort");
  if (options.model.startsWith("gpt-5") && defaults.verbosity !== undefined)
    params["verbosity"] = PARAMS["verbosity"]!(defaults.verbosity, "verbosity");
  if (defaults.service_tier !== undefined)
    params["service_tier"] = PARAMS["service_tier"]!(defaults.service_tier, "service_tier");
  for (const name in call) {
    const check = PARAMS[name];
    const value = (call as Record<string, unknown>)[name];
    if (check !== undefined && value !== undefined) params[name] = check(value, name);
  }
  if (params["top_logprobs"] !== undefined && params["logprobs"] !== true)
    throw new InvalidArgumentError("top_logprobs", "needs logprobs: true");
  return params;
}

/** `extra_body`, checked: a plain object that JSON can carry, merged into the body last. */
export function extraBody(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new InvalidArgumentError("extra_body", "must be an object of body parameters");
  jsonText(value, "extra_body");
  return value;
}
