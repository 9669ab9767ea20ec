import { randomBytes } from "node:crypto";
import secureJsonParse from "secure-json-parse";
import type { ToolCall } from "../core/messages.js";

/**
 * Builds a tool call in Director's shape from the model's raw argument text. Arguments are parsed
 * with `secure-json-parse`, which rejects `__proto__` and `constructor.prototype` keys, so a
 * hostile model cannot pollute prototypes. `""` means no arguments (`{}`). Text that is not a JSON
 * object never throws: the call is kept, marked `invalid`, with the raw text and the reason.
 */
export function toToolCall(options: { id: string; name: string; rawArguments: string }): ToolCall {
  const { id, name, rawArguments } = options;
  if (rawArguments.trim() === "") return { id, tool: { name, arguments: {} }, type: "function" };
  let problem: string;
  try {
    const value: unknown = secureJsonParse.parse(rawArguments);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return { id, tool: { name, arguments: value as Record<string, unknown> }, type: "function" };
    }
    problem = "arguments are JSON but not an object";
  } catch (error) {
    problem = `arguments are not valid JSON: ${(error as Error).message}`;
  }
  return {
    id,
    tool: { name, arguments: {}, raw_arguments: rawArguments },
    type: "function",
    invalid: true,
    parse_error: problem,
  };
}

/** Parses JSON content for `response_format` json_object/json_schema, with the same safety. */
export function parseJsonContent(content: string): { value: unknown } | { error: string } {
  try {
    return { value: secureJsonParse.parse(content) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** For JSON response formats: the parsed content, or a warning saying why there is none. */
export function parseJsonResult(
  content: string,
  formatType: string | undefined,
): { parsed?: unknown; warning?: string } {
  if (formatType !== "json_object" && formatType !== "json_schema") return {};
  if (content === "") return {};
  const result = parseJsonContent(content);
  if ("value" in result) return { parsed: result.value };
  return { warning: `content is not valid JSON (${result.error}); parsed is undefined` };
}

/** One warning per invalid tool call, naming it and why (both response paths report them alike). */
export function toolCallWarnings(calls: readonly ToolCall[]): string[] {
  if (calls.length === 0) return [];
  return calls
    .filter((call) => call.invalid)
    .map((call) => `tool call ${call.id} (${call.tool.name}): ${call.parse_error}`);
}

/**
 * The id of a tool call the server sent without one (`""` or missing), the same way on both paths:
 * `call_` and 24 random hex digits, unique, so results can be matched to calls.
 */
export function generateToolCallId(): string {
  return `call_${randomBytes(12).toString("hex")}`;
}
