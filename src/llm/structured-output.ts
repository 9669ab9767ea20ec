import type { ChatCompletionOptions } from "../core/chat-options.js";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { type LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { nullsToUndefined, toStrictSchema } from "../schema/strict-schema.js";
import { addSpentUsage, chargeSpentUsage, noSpentUsage } from "./spent-usage.js";
import {
  compileToolSchema,
  hasJsonSchemaValidator,
  isStandardSchema,
  wireSchema,
} from "../schema/tool-schema.js";

type Check = (value: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; problems: string[] }>;

/**
 * A `json_schema` response format, made sendable and checkable: a Standard Schema becomes its JSON
 * Schema for the wire; the check validates the parsed answer (JSON Schemas through the optional
 * peer `@cfworker/json-schema`; without it they are sent unchecked, with a warning).
 */
export function structuredOutput(options: ChatCompletionOptions): {
  call: ChatCompletionOptions;
  check?: Check;
  warning?: string;
} {
  const call = withWireTools(options);
  const format = call.response_format;
  if (format?.type !== "json_schema" || !isRecord(format.json_schema)) {
    if (call.repair !== undefined && call.repair !== 0)
      throw new InvalidArgumentError(
        "repair",
        "needs a json_schema response_format to check the answer against",
      );
    return { call };
  }
  const schema: unknown = format.json_schema.schema;
  if (!isStandardSchema(schema) && !hasJsonSchemaValidator())
    return {
      call,
      warning:
        "response_format: the answer was not validated against the schema (install the optional peer @cfworker/json-schema)",
    };
  const compiled = compileToolSchema(schema, "response_format.json_schema.schema", "output");
  if (isStandardSchema(schema) && format.json_schema.strict !== false) {
    // A Standard Schema (zod) goes out in its strict form, strict, as the openai SDK's
    // zodResponseFormat sends it; an optional field answered as null is absent again before the
    // schema checks it.
    const original = compiled.wire;
    return {
      call: {
        ...call,
        response_format: {
          ...format,
          json_schema: { ...format.json_schema, schema: toStrictSchema(original), strict: true },
        },
      },
      check: (value) => compiled.validate(nullsToUndefined(value, original)),
    };
  }
  return {
    call: {
      ...call,
      response_format: { ...format, json_schema: { ...format.json_schema, schema: compiled.wire } },
    },
    check: compiled.validate,
  };
}

/**
 * Runs a call whose answer must match a schema: `parsed` is set only when the content parses and
 * validates (a Standard Schema's output value); otherwise the response fails as `invalid_output`
 * with the content and the issues. `repair` re-asks the model that many times with its answer and
 * the issues; every attempt's usage is added to the response that is returned.
 */
export async function validatedOutput(options: {
  messages: readonly ChatMessage[];
  check: Check;
  repair: number;
  run: (messages: readonly ChatMessage[]) => Promise<LLMResponse>;
}): Promise<LLMResponse> {
  let history = options.messages;
  const spent = noSpentUsage();
  for (let attempt = 0; ; attempt += 1) {
    const response = await options.run(history);
    // A refusal is the model's answer, not a malformed one: it is returned as it is. A turn that
    // calls tools is not the final answer ("call tools, then answer in the schema"): the answer
    // after the tools ran is the one checked.
    if (
      response.status === LLMResponseStatus.ERROR ||
      response.refusal !== undefined ||
      response.tool_calls.length > 0
    )
      return chargeSpentUsage(response, spent);
    const cut = response.finish_reason === "length" || response.finish_reason === "max_tokens";
    const problems =
      response.parsed !== undefined
        ? await verdict(options.check, response)
        : cut
          ? [
              `output: the answer was cut off at the output limit (finish_reason ${response.finish_reason}), so it is not complete JSON`,
            ]
          : ["output: the answer is not valid JSON"];
    if (problems.length === 0) {
      if (attempt > 0)
        response.warnings.push(
          `response_format: the answer matched the schema after ${attempt} repair${attempt === 1 ? "" : "s"}`,
        );
      return chargeSpentUsage(response, spent);
    }
    if (attempt >= options.repair) {
      const failed = response as unknown as { status: LLMResponseStatus; error: LLMError; parsed: unknown };
      failed.status = LLMResponseStatus.ERROR;
      failed.parsed = undefined;
      failed.error = new LLMError({
        kind: "invalid_output",
        message: `the answer does not match the schema: ${problems.join("; ")}`,
        issues: problems,
      });
      failed.error.attempts = response.attempts + spent.attempts;
      return chargeSpentUsage(response, spent);
    }
    addSpentUsage(spent, response);
    history = [
      ...history,
      { role: "assistant", content: response.content },
      {
        role: "user",
        content: `That answer does not match the required JSON schema: ${problems.map((problem) => problem.replace(/\.$/, "")).join("; ")}. Reply again with only JSON that matches it.`,
      },
    ];
  }
}

async function verdict(check: Check, response: LLMResponse): Promise<string[]> {
  const result = await check(response.parsed);
  if (!result.ok) return result.problems;
  response.parsed = result.value;
  return [];
}

/**
 * Tools whose `parameters` are a Standard Schema (a `defineTool` tool reused in a hand-written
 * loop) with their JSON Schema instead, for every provider; other tools as they are.
 */
function withWireTools(call: ChatCompletionOptions): ChatCompletionOptions {
  const tools = call.tools;
  if (!Array.isArray(tools)) return call;
  let changed = false;
  const wire = tools.map((tool, index) => {
    if (!isRecord(tool)) return tool;
    const native = isRecord(tool["function"]);
    const definition = (native ? tool["function"] : tool) as Record<string, unknown>;
    if (!isStandardSchema(definition["parameters"])) return tool;
    changed = true;
    const path = native ? `tools[${index}].function.parameters` : `tools[${index}].parameters`;
    const parameters = wireSchema(definition["parameters"], path);
    return native ? { ...tool, function: { ...definition, parameters } } : { ...tool, parameters };
  });
  return changed ? { ...call, tools: wire as NonNullable<ChatCompletionOptions["tools"]> } : call;
}
