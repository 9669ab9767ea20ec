import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import type { OpenAIToolDefinition, ToolChoice, ToolDefinition } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
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
    throw new InvalidArgumentError(
      `${base}.name`,
      "must start with a letter or _, then letters, digits, _ . : or -, at most 64 characters",
    );
  const schema = definition.parameters ?? { type: "object", properties: {} };
  if (!isRecord(schema)) throw new InvalidArgumentError(`${base}.parameters`, "must be a JSON Schema object");
  jsonText(schema, `${base}.parameters`);
  if (schema["type"] !== undefined && schema["type"] !== "object")
    throw new InvalidArgumentError(
      `${base}.parameters.type`,
      `a tool's parameters are an object schema (got type ${JSON.stringify(schema["type"])})`,
    );
  if ((definition.strict ?? (isNative ? (tool as OpenAIToolDefinition).strict : undefined)) === true)
    warnings.push(
      `tool ${definition.name}: strict is not sent (Gemini's tools have no strict mode); the schema still guides the model`,
    );
  const wire: GeminiFunctionDeclaration = {
    name: definition.name,
    parametersJsonSchema: geminiJsonSchema({ type: "object", ...schema }),
  };
  if (definition.description !== undefined) wire.description = definition.description;
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
