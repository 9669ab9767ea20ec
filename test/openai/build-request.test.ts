import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { buildOpenAIRequest } from "../../src/openai/build-openai-request.js";

const defaults = { chat_model: "gpt-4o", max_tokens: 4096, temperature: 0.9, top_p: 1 };
const messages = [{ role: "user" as const, content: "Hi" }];

describe("buildOpenAIRequest", () => {
  it("builds a plain request from the config defaults", () => {
    assert.deepStrictEqual(buildOpenAIRequest({ messages, call: {}, defaults }), {
      model: "gpt-4o",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
      temperature: 0.9,
      top_p: 1,
    });
  });

  it("lets a call override model, limits, stop and response_format", () => {
    const format = {
      type: "json_schema" as const,
      json_schema: {
        name: "city",
        schema: { type: "object", properties: {}, required: [], additionalProperties: false },
        strict: true,
      },
    };
    assert.deepStrictEqual(
      buildOpenAIRequest({
        messages,
        call: {
          model: "gpt-4o-mini",
          max_tokens: 10,
          temperature: 0,
          top_p: 0.5,
          stop: ["\n"],
          response_format: format,
        },
        defaults,
      }),
      {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 10,
        temperature: 0,
        top_p: 0.5,
        stop: ["\n"],
        response_format: format,
      },
    );
  });

  it("gives reasoning models max_completion_tokens and no sampling parameters", () => {
    assert.deepStrictEqual(buildOpenAIRequest({ messages, call: { model: "o3-mini" }, defaults }), {
      model: "o3-mini",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 4096,
    });
    assert.equal(
      buildOpenAIRequest({ messages, call: { model: "gpt-5-2025-08-07" }, defaults }).max_completion_tokens,
      4096,
    );
  });

  it("asks streams for the usage chunk", () => {
    const request = buildOpenAIRequest({ messages, call: {}, defaults, stream: true });
    assert.equal(request.stream, true);
    assert.deepStrictEqual(request.stream_options, { include_usage: true });
  });

  const invalid: Array<[string, object, string]> = [
    ["temperature above 2", { temperature: 3 }, "temperature"],
    ["top_p above 1", { top_p: 1.5 }, "top_p"],
    ["max_tokens of 0", { max_tokens: 0 }, "max_tokens"],
    ["five stop sequences", { stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["an unknown response_format", { response_format: { type: "xml" } }, "response_format.type"],
    [
      "a json_schema without name",
      { response_format: { type: "json_schema", json_schema: { schema: {} } } },
      "response_format.json_schema.name",
    ],
    ["tool_choice without tools", { tool_choice: "required" }, "tool_choice"],
  ];
  for (const [name, call, argument] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => buildOpenAIRequest({ messages, call, defaults }),
        (error: unknown) => error instanceof InvalidArgumentError && error.argument === argument,
      );
    });
  }
});
