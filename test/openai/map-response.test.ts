import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMError, LLMResponseStatus } from "../../src/index.js";
import { mapOpenAIResponse } from "../../src/openai/map-openai-response.js";
import { toToolCall } from "../../src/llm/parse-tool-arguments.js";
import { completion } from "../helpers/handlers.js";

function withToolCalls(calls: Array<{ id: string; name: string; arguments: string }>) {
  return completion(null, {
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.arguments },
          })),
        },
        finish_reason: "tool_calls",
      },
    ],
  });
}

describe("mapOpenAIResponse", () => {
  it("maps text, usage and ids", () => {
    const response = mapOpenAIResponse({ body: completion("Hello!"), request_id: "req_1" });
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "Hello!");
    assert.deepStrictEqual(response.tool_calls, []);
    assert.equal(response.finish_reason, "stop");
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [11, 7, 18]);
    assert.equal(response.request_id, "req_1");
    assert.equal(response.error, undefined);
  });

  it("returns every parallel tool call with parsed arguments", () => {
    const response = mapOpenAIResponse({
      body: withToolCalls([
        { id: "a", name: "get", arguments: '{"location":"Seattle"}' },
        { id: "b", name: "get", arguments: "" },
      ]),
    });
    assert.equal(response.content, "");
    assert.deepStrictEqual(response.tool_calls, [
      { id: "a", tool: { name: "get", arguments: { location: "Seattle" } }, type: "function" },
      { id: "b", tool: { name: "get", arguments: {} }, type: "function" },
    ]);
    assert.deepStrictEqual(response.warnings, []);
  });

  it("keeps a tool call with malformed arguments, marked invalid, and warns", () => {
    const response = mapOpenAIResponse({
      body: withToolCalls([{ id: "a", name: "get", arguments: '{"location": "Sea' }]),
    });
    const [call] = response.tool_calls;
    assert.equal(call?.invalid, true);
    assert.deepStrictEqual(call?.tool, { name: "get", arguments: {}, raw_arguments: '{"location": "Sea' });
    assert.match(call?.parse_error ?? "", /^arguments are not valid JSON/);
    assert.equal(response.warnings.length, 1);
  });

  it("refuses prototype pollution in arguments", () => {
    const call = toToolCall({ id: "x", name: "f", rawArguments: '{"__proto__":{"polluted":true}}' });
    assert.equal(call.invalid, true);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    const nonObject = toToolCall({ id: "y", name: "f", rawArguments: "[1,2]" });
    assert.equal(nonObject.parse_error, "arguments are JSON but not an object");
  });

  it("parses JSON content for JSON response formats", () => {
    const response = mapOpenAIResponse({
      body: completion('{"city":"Paris"}'),
      response_format_type: "json_object",
    });
    assert.deepStrictEqual(response.parsed, { city: "Paris" });
    const broken = mapOpenAIResponse({ body: completion('{"city":'), response_format_type: "json_schema" });
    assert.equal(broken.parsed, undefined);
    assert.match(broken.warnings[0] ?? "", /content is not valid JSON/);
    assert.equal(mapOpenAIResponse({ body: completion('{"a":1}') }).parsed, undefined);
  });

  it("yields zero usage when the server sends none", () => {
    const response = mapOpenAIResponse({ body: completion("x", { usage: undefined }) });
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [0, 0, 0]);
  });

  const hostile: Array<[string, unknown, string]> = [
    ["no choices", completion("x", { choices: [] }), "response has no choices"],
    [
      "message null",
      completion("x", { choices: [{ index: 0, message: null, finish_reason: "stop" }] }),
      "response choice has no message",
    ],
    ["an array body", [], "response body is not a JSON object"],
  ];
  for (const [name, body, message] of hostile) {
    it(`reports ${name} as invalid_response`, () => {
      assert.throws(
        () => mapOpenAIResponse({ body }),
        (error: unknown) =>
          error instanceof LLMError && error.kind === "invalid_response" && error.message === message,
      );
    });
  }
});
