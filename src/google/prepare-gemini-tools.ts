import type { OpenAIToolDefinition, ToolChoice, ToolDefinition } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { readToolDefinition } from "../llm/read-tool-definition.js";
import { checkToolChoice } from "../llm/check-tool-choice.js";
import type { GeminiFunctionDeclaration, GeminiRequest } from "./gemini-api.js";
import { geminiJsonSchema } from "./gemini-json-schema.js";

/** Gemini's rule for function names: a letter or underscore, then letters, digits, `_ . : -`; at most 64. */
const NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

function declaration(
  tool: ToolDefinition | OpenAIToolDefinition,
  index: number,
  warnings: string[],
): GeminiFunctionDeclaration {
  const read = readToolDefinition(tool, index, {
    pattern: NAME_PATTERN,
    rule: "must start with a letter or _, then letters, digits, _ . : or -, at most 64 characters",
  });
  if (read.strict === true)
    warnings.push(
      `tool ${read.name}: strict is not sent (Gemini's tools have no strict mode); the schema still guides the model`,
    );
  const wire: GeminiFunctionDeclaration = {
    name: read.name,
    parametersJsonSchema: geminiJsonSchema({ type: "object", ...read.schema }),
  };
  if (read.description !== undefined) wire.description = read.description;
  return wire;
}

/**
 * Tools in the spec's short shape or OpenAI's native shape as Gemini function declarations (the
 * JSON Schema as `parametersJsonSchema`), and `tool_choice` as `toolConfig.functionCallingConfig`:
 * `auto` as `AUTO`, `none` as `NONE`, `required` as `ANY`, a named function as `ANY` with
 * `allowedFunctionNames`. `parallel_tool_calls` has no Gemini equivalent and is refused. Pure.
 */
export function prepareGeminiTools(options: {
  tools: ReadonlyArray<ToolDefinition | OpenAIToolDefinition> | undefined;
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  warnings: string[];
}): Pick<GeminiRequest, "tools" | "toolConfig"> {
  const { tools, toolChoice } = options;
  if (options.parallelToolCalls !== undefined)
    throw new InvalidArgumentError(
      "parallel_tool_calls",
      "Gemini has no setting for parallel tool calls; leave it out",
    );
  if (tools === undefined || tools.length === 0) {
    if (toolChoice !== undefined && toolChoice !== "none")
      throw new InvalidArgumentError("tool_choice", "needs tools");
    return {};
  }
  if (!Array.isArray(tools)) throw new InvalidArgumentError("tools", "must be an array");
  const declarations = tools.map((tool, index) => declaration(tool, index, options.warnings));
  const names = new Set<string>();
  for (const { name } of declarations) {
    if (names.has(name)) throw new InvalidArgumentError("tools", `duplicate tool name ${name}`);
    names.add(name);
  }
  const choice = checkToolChoice(toolChoice ?? "auto", names);
  const config =
    choice === "auto"
      ? { mode: "AUTO" as const }
      : choice === "none"
        ? { mode: "NONE" as const }
        : choice === "required"
          ? { mode: "ANY" as const }
          : { mode: "ANY" as const, allowedFunctionNames: [choice.function.name] };
  return { tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: config } };
}
