import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import type { JsonSchema, OpenAIToolDefinition, ToolDefinition } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** A tool in either accepted shape, read and checked: what a provider maps to its own declaration. */
export interface ReadTool {
  name: string;
  description: string | undefined;
  /** The parameters' JSON Schema (`{ type: "object", properties: {} }` when none were given). */
  schema: JsonSchema;
  /** `strict` as given, inside `function` or (Director's way) beside it. */
  strict: boolean | undefined;
}

/**
 * Reads `tools[index]` in the spec's short shape or OpenAI's native shape, for a provider whose
 * tools are not OpenAI's (Claude, Gemini): only function tools, a name matching `name.pattern`,
 * parameters an object JSON Schema that JSON can carry. Anything else is an
 * {@link InvalidArgumentError} naming the argument.
 */
export function readToolDefinition(
  tool: ToolDefinition | OpenAIToolDefinition,
  index: number,
  name: { pattern: RegExp; rule: string },
): ReadTool {
  const path = `tools[${index}]`;
  if (!isRecord(tool)) throw new InvalidArgumentError(path, "a tool must be an object");
  const isNative = "function" in tool && isRecord(tool.function);
  if (isNative && tool.type !== "function")
    throw new InvalidArgumentError(
      `${path}.type`,
      `only "function" tools are supported (got ${JSON.stringify(tool.type)})`,
    );
  const definition = isNative ? (tool as OpenAIToolDefinition).function : (tool as ToolDefinition);
  const base = isNative ? `${path}.function` : path;
  if (typeof definition.name !== "string" || !name.pattern.test(definition.name))
    throw new InvalidArgumentError(`${base}.name`, name.rule);
  const schema = definition.parameters ?? { type: "object", properties: {} };
  if (!isRecord(schema)) throw new InvalidArgumentError(`${base}.parameters`, "must be a JSON Schema object");
  jsonText(schema, `${base}.parameters`);
  if (schema["type"] !== undefined && schema["type"] !== "object")
    throw new InvalidArgumentError(
      `${base}.parameters.type`,
      `a tool's parameters are an object schema (got type ${JSON.stringify(schema["type"])})`,
    );
  return {
    name: definition.name,
    description: definition.description,
    schema,
    strict: definition.strict ?? (isNative ? (tool as OpenAIToolDefinition).strict : undefined),
  };
}

/** A tool call's arguments as the object Claude's `input` and Gemini's `args` must be (`""` is `{}`). */
export function toolArgumentsObject(args: unknown, path: string, provider: string): Record<string, unknown> {
  if (args === undefined || args === "") return {};
  if (isRecord(args)) return args;
  if (typeof args === "string") {
    try {
      const parsed: unknown = JSON.parse(args);
      if (isRecord(parsed)) return parsed;
    } catch {}
  }
  throw new InvalidArgumentError(path, `is not a JSON object; ${provider} must be one`);
}
