import { didYouMean } from "../core/closest-name.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { checkSeconds } from "../core/check-seconds.js";
import type { RunnableTool } from "./runnable-tool.js";

/** What a tool may have: any other field is refused (a misspelt `timout` would be ignored). */
const TOOL_FIELDS = ["name", "description", "parameters", "execute", "timeout", "mcp"];

/**
 * Checks the options of a tool run that `chat_completions` does not check itself: at least one
 * tool, each with an `execute` function, known fields and a valid `timeout`; `max_steps` and
 * `tool_concurrency` positive integers; `tool_timeout` a positive number of seconds (or
 * `Infinity`). Throws {@link InvalidArgumentError} naming the option.
 */
export function checkRunToolsOptions(options: {
  tools: unknown;
  max_steps: number;
  tool_concurrency: number;
  tool_timeout: number;
}): void {
  const { tools } = options;
  if (!Array.isArray(tools) || tools.length === 0)
    throw new InvalidArgumentError("tools", "run_tools needs at least one tool");
  for (const name of ["max_steps", "tool_concurrency"] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError(name, `must be a positive integer (got ${String(value)})`);
  }
  checkSeconds("tool_timeout", options.tool_timeout);
  tools.forEach((tool: RunnableTool<never>, index) => {
    if (typeof tool?.execute !== "function")
      throw new InvalidArgumentError(`tools[${index}].execute`, "must be a function");
    for (const key of Object.keys(tool)) {
      if (TOOL_FIELDS.includes(key)) continue;
      throw new InvalidArgumentError(
        `tools[${index}].${key}`,
        `is not a field of a tool${didYouMean(key, TOOL_FIELDS)}; the fields are ${TOOL_FIELDS.join(", ")}`,
      );
    }
    checkSeconds(`tools[${index}].timeout`, tool.timeout);
  });
}
