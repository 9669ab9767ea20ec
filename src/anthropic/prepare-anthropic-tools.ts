import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import type { OpenAIToolDefinition, ToolChoice, ToolDefinition } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { checkToolChoice } from "../llm/check-tool-choice.js";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-messages-api.js";

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

function prepareTool(
  tool: ToolDefinition | OpenAIToolDefinition,
  index: number,
  warnings: string[],
): AnthropicTool {
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
  if (typeof definition.name !== "string" || !NAME_PATTERN.test(definition.name))
    throw new InvalidArgumentError(`${base}.name`, "must be 1-64 characters of a-z, A-Z, 0-9, _ or -");
  const schema = definition.parameters ?? { type: "object", properties: {} };
  if (!isRecord(schema)) throw new InvalidArgumentError(`${base}.parameters`, "must be a JSON Schema object");
  jsonText(schema, `${base}.parameters`);
  if (schema["type"] !== undefined && schema["type"] !== "object")
    throw new InvalidArgumentError(
      `${base}.parameters.type`,
      `a tool's parameters are an object schema (got type ${JSON.stringify(schema["type"])})`,
    );
  const strict = definition.strict ?? (isNative ? (tool as OpenAIToolDefinition).strict : undefined);
  if (strict === true)
    warnings.push(
      `tool ${definition.name}: strict is not sent (Claude's tools have no strict mode); the schema still guides the model`,
    );
  const wire: AnthropicTool = { name: definition.name, input_schema: { type: "object", ...schema } };
  if (definition.description !== undefined) wire.description = definition.description;
  return wire;
}

/**
 * Tools in the spec's short shape or OpenAI's native shape as Anthropic tools
 * (`{ name, description, input_schema }`), and `tool_choice` in Anthropic's terms: `auto`, `none`,
 * `required` as `any`, a named function as `tool`; `parallel_tool_calls: false` as
 * `disable_parallel_tool_use`. Pure.
 */
export function prepareAnthropicTools(options: {
  tools: ReadonlyArray<ToolDefinition | OpenAIToolDefinition> | undefined;
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  warnings: string[];
}): { tools?: AnthropicTool[]; tool_choice?: AnthropicToolChoice } {
  const { tools, toolChoice } = options;
  if (tools === undefined || tools.length === 0) {
    if (toolChoice !== undefined && toolChoice !== "none")
      throw new InvalidArgumentError("tool_choice", "needs tools");
    return {};
  }
  if (!Array.isArray(tools)) throw new InvalidArgumentError("tools", "must be an array");
  const wire = tools.map((tool, index) => prepareTool(tool, index, options.warnings));
  const names = new Set<string>();
  for (const tool of wire) {
    if (names.has(tool.name)) throw new InvalidArgumentError("tools", `duplicate tool name ${tool.name}`);
    names.add(tool.name);
  }
  const parallel = options.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const choice = checkToolChoice(toolChoice ?? "auto", names);
  if (choice === "none") return { tools: wire, tool_choice: { type: "none" } };
  if (choice === "auto") return { tools: wire, tool_choice: { type: "auto", ...parallel } };
  if (choice === "required") return { tools: wire, tool_choice: { type: "any", ...parallel } };
  return { tools: wire, tool_choice: { type: "tool", name: choice.function.name, ...parallel } };
}
