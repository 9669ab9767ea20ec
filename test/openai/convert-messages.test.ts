import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { convertToOpenAIMessages } from "../../src/openai/convert-to-openai-messages.js";

describe("convertToOpenAIMessages", () => {
  it("converts Director-shape history with parallel tool calls and tool results", () => {
    const wire = convertToOpenAIMessages([
      { role: "system", content: "You're a helpful assistant." },
      { role: "user", content: "Weather in Seattle and SF?" },
      {
        role: "assistant",
        content: [],
        tool_calls: [
          {
            id: "call_1",
            tool: { name: "get_weather", arguments: { location: "Seattle, WA" } },
            type: "function",
          },
          { id: "call_2", tool: { name: "get_weather", arguments: '{"location":"SF"}' }, type: "function" },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "50 degrees" },
      { role: "tool", tool_call_id: "call_2", content: { temperature: 70, unit: "F" } },
    ]);
    assert.deepStrictEqual(wire, [
      { role: "system", content: "You're a helpful assistant." },
      { role: "user", content: "Weather in Seattle and SF?" },
      {
        role: "assistant",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Seattle, WA"}' },
          },
          {
            id: "call_2",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"SF"}' },
          },
        ],
      },
      { role: "tool", content: "50 degrees", tool_call_id: "call_1" },
      { role: "tool", content: '{"temperature":70,"unit":"F"}', tool_call_id: "call_2" },
    ]);
  });

  it("passes OpenAI-native tool calls and content parts through", () => {
    const parts = [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
    ];
    const wire = convertToOpenAIMessages([
      { role: "user", content: parts, name: "ann" },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [{ id: "c1", type: "function", function: { name: "look", arguments: "{}" } }],
      },
    ]);
    assert.deepStrictEqual(wire, [
      { role: "user", content: parts, name: "ann" },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [{ id: "c1", type: "function", function: { name: "look", arguments: "{}" } }],
      },
    ]);
  });

  it("sends an invalid tool call back with the raw text the model wrote", () => {
    const wire = convertToOpenAIMessages([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", tool: { name: "f", arguments: {}, raw_arguments: "{oops" }, type: "function" },
        ],
      },
    ]);
    assert.deepStrictEqual(wire, [
      {
        role: "assistant",
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{oops" } }],
      },
    ]);
  });

  it("turns empty and null content into an empty string", () => {
    assert.deepStrictEqual(
      convertToOpenAIMessages([
        { role: "user", content: [] },
        { role: "assistant", content: null },
      ]),
      [
        { role: "user", content: "" },
        { role: "assistant", content: "" },
      ],
    );
  });

  const invalid: Array<[string, unknown, string]> = [
    ["empty list", [], "messages"],
    ["unknown role", [{ role: "wizard", content: "x" }], "messages[0].role"],
    ["tool result without id", [{ role: "tool", content: "x" }], "messages[0].tool_call_id"],
    [
      "tool call without name",
      [{ role: "assistant", tool_calls: [{ id: "a", tool: { arguments: {} } }] }],
      "messages[0].tool_calls[0].tool.name",
    ],
    [
      "tool call without id",
      [{ role: "assistant", tool_calls: [{ tool: { name: "f" } }] }],
      "messages[0].tool_calls[0].id",
    ],
    ["content of a number", [{ role: "user", content: 5 }], "messages[0].content"],
    ["a user message without content", [{ role: "user", contents: "hi" }], "messages[0].content"],
    [
      "a system message without content",
      [{ role: "system" }, { role: "user", content: "hi" }],
      "messages[0].content",
    ],
    ["a bad content part", [{ role: "user", content: ["hi"] }], "messages[0].content[0]"],
  ];
  for (const [name, messages, argument] of invalid) {
    it(`rejects ${name} with InvalidArgumentError naming ${argument}`, () => {
      assert.throws(
        () => convertToOpenAIMessages(messages as never),
        (error: unknown) => error instanceof InvalidArgumentError && error.argument === argument,
      );
    });
  }
});
