import { isRecord } from "../core/is-record.js";
import type { OpenAIToolDefinition, ToolChoice, ToolDefinition } from "../core/messages.js";
import { jsonText } from "../core/json-text.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { checkToolChoice } from "../llm/check-tool-choice.js";
import type { WireTool } from "./openai-chat-api.js";

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Why a JSON Schema cannot be used with `strict: true` (structured outputs), or `undefined` when
 * it can: every object lists all its properties in `required` and sets `additionalProperties: false`.
 */
export function strictSchemaProblem(schema: unknown, path = "parameters"): string | undefined {
  if (!isRecord(schema)) return undefined;
  const isObject = schema["type"] === "object" || isRecord(schema["properties"]);
  if (isObject) {
    const properties = isRecord(schema["properties"]) ? schema["properties"] : {};
    if (schema["additionalProperties"] !== false) return `${path} must set additionalProperties: false`;
    const required = Array.isArray(schema["required"]) ? schema["required"] : [];
    const missing = Object.keys(properties).filter((key) => !required.includes(key));
    if (missing.length > 0)
      return `${path} must list every property in required (missing: ${missing.join(", ")})`;
    for (const [key, value] of Object.entries(properties)) {
      const problem = strictSchemaProblem(value, `${path}.properties.${key}`);
      if (problem) return problem;
    }
  }
  for (const key of ["items", "$defs", "definitions", "anyOf"] as const) {
    const child = schema[key];
    const children = Array.isArray(child)
      ? child
      : key === "items"
        ? [child]
        : isRecord(child)
          ? Object.values(child)
          : [];
    for (const [index, value] of children.entries()) {
      const problem = strictSchemaProblem(value, `${path}.${key}[${index}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function prepareTool(tool: ToolDefinition | OpenAIToolDefinition, index: number): WireTool {
  const path = `tools[${index}]`;
  if (!isRecord(tool)) throw new InvalidArgumentError(path, "a tool must be an object");
  const isNative = "function" in tool && isRecord(tool.function);
  if (isNative && tool.type !== "function") {
    throw new InvalidArgumentError(
      `${path}.type`,
      `only "function" tools are supported (got ${JSON.stringify(tool.type)})`,
    );
  }
  const definition: ToolDefinition = isNative
    ? (tool as OpenAIToolDefinition).function
    : (tool as ToolDefinition);
  const base = isNative ? `${path}.function` : path;
  if (typeof definition.name !== "string" || !NAME_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(`${base}.name`, "must be 1-64 characters of a-z, A-Z, 0-9, _ or -");
  }
  if (definition.parameters !== undefined && !isRecord(definition.parameters)) {
    throw new InvalidArgumentError(`${base}.parameters`, "must be a JSON Schema object");
  }
  if (definition.parameters !== undefined) {
    jsonText(definition.parameters, `${base}.parameters`);
    const type = definition.parameters["type"];
    if (type !== undefined && type !== "object")
      throw new InvalidArgumentError(
        `${base}.parameters.type`,
        `a tool's parameters are an object schema (got type ${JSON.stringify(type)})`,
      );
  }
  // Director put `strict` beside `function`; it belongs inside.
  const requested = definition.strict ?? (isNative ? (tool as OpenAIToolDefinition).strict : undefined);
  const problem =
    definition.parameters === undefined ? "no parameters schema" : strictSchemaProblem(definition.parameters);
  if (requested === true && problem !== undefined) {
    throw new InvalidArgumentError(`${base}.strict`, `strict: true needs a qualifying schema: ${problem}`);
  }
  const strict = requested ?? problem === undefined;
  const wire: WireTool["function"] = { name: definition.name };
  if (definition.description !== undefined) wire.description = definition.description;
  if (definition.parameters !== undefined) wire.parameters = definition.parameters;
  if (strict || requested === false) wire.strict = strict;
  return { type: "function", function: wire };
}

/**
 * Converts tools in the spec's short shape or OpenAI's native shape to wire tools, with
 * `tool_choice` ("auto" unless given). Pure. `strict` is set inside `function`: on by default when
 * the schema qualifies, as given otherwise; `strict: true` on a schema that cannot be strict throws.
 */
export function prepareOpenAITools(
  tools: ReadonlyArray<ToolDefinition | OpenAIToolDefinition> | undefined,
  toolChoice: ToolChoice | undefined,
): { tools?: WireTool[]; tool_choice?: ToolChoice } {
  if (tools === undefined || tools.length === 0) {
    if (toolChoice !== undefined && toolChoice !== "none") {
      throw new InvalidArgumentError("tool_choice", "needs tools");
    }
    return {};
  }
  if (!Array.isArray(tools)) throw new InvalidArgumentError("tools", "must be an array");
  const wireTools = tools.map(prepareTool);
  const names = new Set<string>();
  for (const tool of wireTools) {
    if (names.has(tool.function.name))
      throw new InvalidArgumentError("tools", `duplicate tool name ${tool.function.name}`);
    names.add(tool.function.name);
  }
  return { tools: wireTools, tool_choice: checkToolChoice(toolChoice ?? "auto", names) };
}
