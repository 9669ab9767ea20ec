import type { OpenAIToolDefinition, ToolChoice, ToolDefinition } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { readToolDefinition } from "../llm/read-tool-definition.js";
import { checkToolChoice } from "../llm/check-tool-choice.js";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-messages-api.js";

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

function prepareTool(
  tool: ToolDefinition | OpenAIToolDefinition,
  index: number,
  warnings: string[],
): AnthropicTool {
  const read = readToolDefinition(tool, index, {
    pattern: NAME_PATTERN,
    rule: "must be 1-64 characters of a-z, A-Z, 0-9, _ or -",
  });
  if (read.strict === true)
    warnings.push(
      `tool ${read.name}: strict is not sent (Claude's tools have no strict mode); the schema still guides the model`,
    );
  const wire: AnthropicTool = { name: read.name, input_schema: { type: "object", ...read.schema } };
  if (read.description !== undefined) wire.description = read.description;
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
