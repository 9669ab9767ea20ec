import { isRecord } from "../core/is-record.js";
import type { ToolChoice } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** A `tool_choice` the API takes, naming a tool that is in `tools`. */
export function checkToolChoice(choice: ToolChoice, names: ReadonlySet<string>): ToolChoice {
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isRecord(choice) && choice.type === "function" && isRecord(choice.function)) {
    const { name } = choice.function;
    if (typeof name === "string" && names.has(name)) return choice;
    throw new InvalidArgumentError(
      "tool_choice.function.name",
      `names no tool in tools (got ${JSON.stringify(name)}; tools: ${[...names].join(", ")})`,
    );
  }
  throw new InvalidArgumentError(
    "tool_choice",
    `must be "auto", "none", "required" or { type: "function", function: { name } } (got ${typeof choice === "string" ? JSON.stringify(choice) : typeof choice})`,
  );
}
