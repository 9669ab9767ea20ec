import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ChatCompletionOptions, type ChatMessage, InvalidArgumentError } from "../../src/index.js";
import { buildAnthropicRequest } from "../../src/anthropic/build-anthropic-request.js";
import { convertToAnthropicMessages } from "../../src/anthropic/convert-to-anthropic-messages.js";
import { ANTHROPIC_FIXTURES_DIR, type Exchange, fixtureJson } from "../helpers/fixtures.js";

const defaults = { chat_model: "claude-sonnet-4-5", max_tokens: 4096 };
const build = (messages: ChatMessage[], call: ChatCompletionOptions = {}, warnings: string[] = []) =>
  buildAnthropicRequest({ messages, call, defaults, warnings });

function rejects(run: () => unknown, argument: string, problem: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.argument, argument);
    assert.match(error.message, problem);
    return true;
  });
}

describe("Director-shape messages to the Messages API (pure)", () => {
  it("every system message goes into system; consecutive tool results into one user turn", () => {
    const converted = convertToAnthropicMessages([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris and Rome?" },
      { role: "system", content: [{ type: "text", text: "Use metric units." }] },
      {
        role: "assistant",
        content: "Checking both.",
        tool_calls: [
          { id: "toolu_1", type: "function", tool: { name: "weather", arguments: { city: "Paris" } } },
          { id: "toolu_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18 C" },
      { role: "tool", tool_call_id: "toolu_2", content: { error: "station offline" }, is_error: true },
      { role: "user", content: "And tomorrow?" },
    ]);
    assert.deepStrictEqual(converted.system, [
      { type: "text", text: "Be brief." },
      { type: "text", text: "Use metric units." },
    ]);
    assert.deepStrictEqual(converted.messages, [
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18 C" },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: '{"error":"station offline"}',
            is_error: true,
          },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
  });

  it("image parts (https and data: URLs) become image blocks; consecutive user turns merge", () => {
    const { messages } = convertToAnthropicMessages([
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "text", text: "Same cat?" },
        ],
      },
    ]);
    assert.deepStrictEqual(messages, [
      {
        role: "user",
        content: [
          { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "text", text: "Same cat?" },
        ],
      },
    ]);
  });

  it("thinking blocks of an assistant turn go back unchanged, before its text", () => {
    const thinking = [{ type: "thinking" as const, thinking: "Look it up.", signature: "EqEE" }];
    const { messages } = convertToAnthropicMessages([
      { role: "user", content: "Largest city?" },
      {
        role: "assistant",
        content: "Let me check.",
        thinking,
        tool_calls: [{ id: "toolu_9", tool: { name: "country", arguments: {} } }],
      },
    ]);
    assert.deepStrictEqual(messages[1]?.content, [
      ...thinking,
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "toolu_9", name: "country", input: {} },
    ]);
  });

  it("what cannot be sent is an InvalidArgumentError naming the argument", () => {
    rejects(() => convertToAnthropicMessages([]), "messages", /non-empty array/);
    rejects(
      () => convertToAnthropicMessages([{ role: "wizard" as never, content: "hi" }]),
      "messages[0].role",
      /unknown role "wizard"/,
    );
    rejects(
      () => convertToAnthropicMessages([{ role: "tool", content: "x" }]),
      "messages[0].tool_call_id",
      /id of its call/,
    );
    rejects(
      () =>
        convertToAnthropicMessages([
          {
            role: "assistant",
            content: "",
            tool_calls: [{ id: "t", tool: { name: "f", arguments: "[1, 2]" } }],
          },
        ]),
      "messages[0].tool_calls[0].tool.arguments",
      /not a JSON object/,
    );
    rejects(
      () => convertToAnthropicMessages([{ role: "user", content: "hi" }, { role: "user" } as never]),
      "messages[1].content",
      /is required: a user message needs content/,
    );
    rejects(
      () => convertToAnthropicMessages([{ role: "system" } as never, { role: "user", content: "hi" }]),
      "messages[0].content",
      /is required: a system message needs content/,
    );
    rejects(
      () => convertToAnthropicMessages([{ role: "assistant", content: "" }]),
      "messages[0].content",
      /needs text or tool calls/,
    );
    rejects(
      () =>
        convertToAnthropicMessages([
          { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png,xyz" } }] },
        ]),
      "messages[0].content[0].image_url.url",
      /must be base64/,
    );
  });
});

describe("the request (pure)", () => {
  const user: ChatMessage[] = [{ role: "user", content: "hi" }];

  it("tools in both shapes, tool_choice in Anthropic's terms, parallel_tool_calls: false", () => {
    const tools = [
      {
        name: "flat",
        description: "Director's shape",
        parameters: { type: "object", properties: { a: { type: "string" } } },
      },
      {
        type: "function" as const,
        function: { name: "native", parameters: { type: "object", properties: {} } },
      },
    ];
    const request = build(user, { tools, tool_choice: "required", parallel_tool_calls: false });
    assert.deepStrictEqual(request.tools, [
      {
        name: "flat",
        description: "Director's shape",
        input_schema: { type: "object", properties: { a: { type: "string" } } },
      },
      { name: "native", input_schema: { type: "object", properties: {} } },
    ]);
    assert.deepStrictEqual(request.tool_choice, { type: "any", disable_parallel_tool_use: true });
    assert.deepStrictEqual(build(user, { tools }).tool_choice, { type: "auto" });
    assert.deepStrictEqual(build(user, { tools, tool_choice: "none" }).tool_choice, { type: "none" });
    assert.deepStrictEqual(
      build(user, { tools, tool_choice: { type: "function", function: { name: "native" } } }).tool_choice,
      { type: "tool", name: "native" },
    );
  });

  it("max_tokens always, stop as stop_sequences, sampling only where given and accepted", () => {
    assert.deepStrictEqual(build(user, { stop: "END" }), {
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      stop_sequences: ["END"],
      stream: false,
    });
    // Claude 4.5 refuses temperature with top_p: the one given for the call goes.
    assert.deepStrictEqual(
      [build(user, { temperature: 0.2 }).temperature, build(user, { top_p: 0.5 }).top_p],
      [0.2, 0.5],
    );
    rejects(
      () => build(user, { temperature: 0.2, top_p: 0.5 }),
      "top_p",
      /takes temperature or top_p, not both/,
    );
    const older = buildAnthropicRequest({
      messages: user,
      call: { temperature: 0.2, top_p: 0.5 },
      defaults: { ...defaults, chat_model: "claude-3-7-sonnet-20250219" },
      warnings: [],
    });
    assert.deepStrictEqual([older.temperature, older.top_p], [0.2, 0.5]);
    rejects(() => build(user, { temperature: 1.5 }), "temperature", /from 0 to 1/);
  });

  it("thinking: a budget, or reasoning_effort; it drops sampling and refuses a forced tool", () => {
    const warnings: string[] = [];
    const request = build(user, { thinking_budget: 2000, temperature: 0.3, max_tokens: 8000 }, warnings);
    assert.deepStrictEqual(request.thinking, { type: "enabled", budget_tokens: 2000 });
    assert.equal(request.temperature, undefined);
    assert.deepStrictEqual(warnings, [
      "temperature is not sent: Claude's extended thinking does not take it",
    ]);
    assert.deepStrictEqual(build(user, { reasoning_effort: "medium", max_tokens: 16000 }).thinking, {
      type: "enabled",
      budget_tokens: 8192,
    });
    const lowered: string[] = [];
    assert.deepStrictEqual(build(user, { reasoning_effort: "high" }, lowered).thinking, {
      type: "enabled",
      budget_tokens: 4095,
    });
    assert.match(lowered[0] ?? "", /thinking budget 16384 lowered to 4095/);
    assert.equal(build(user, { reasoning_effort: "none" }).thinking, undefined);
    // Not an effort, though Object.prototype has the name: refused, never sent as a null budget.
    rejects(
      () => build(user, { reasoning_effort: "constructor" as never }),
      "reasoning_effort",
      /must be one of none, minimal, low, medium, high, xhigh, max \(got "constructor"\)/,
    );
    rejects(() => build(user, { thinking_budget: 500 }), "thinking_budget", /from 1024/);
    rejects(() => build(user, { thinking_budget: 5000 }), "thinking_budget", /less than max_tokens \(4096\)/);
    rejects(
      () =>
        build(user, {
          thinking_budget: 2000,
          tools: [{ name: "f", parameters: { type: "object" } }],
          tool_choice: "required",
        }),
      "tool_choice",
      /cannot force a tool while Claude thinks/,
    );
  });

  it("response_format becomes a forced tool whose input schema is the requested schema", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const request = build(user, {
      response_format: { type: "json_schema", json_schema: { name: "place", schema } },
    });
    assert.deepStrictEqual(request.tools, [
      { name: "json_response", description: "Give the answer as this JSON object.", input_schema: schema },
    ]);
    assert.deepStrictEqual(request.tool_choice, { type: "tool", name: "json_response" });
    assert.deepStrictEqual(
      build(user, { response_format: { type: "json_object" } }).tools?.[0]?.input_schema,
      { type: "object" },
    );
    rejects(
      () =>
        build(user, {
          response_format: { type: "json_object" },
          tools: [{ name: "f", parameters: { type: "object" } }],
        }),
      "response_format",
      /cannot be combined with tools/,
    );
  });

  it("user, service_tier map onto Claude's; options with no equivalent are refused, never dropped", () => {
    const request = build(user, { user: "person-7", service_tier: "default" });
    assert.deepStrictEqual(
      [request.metadata, request.service_tier],
      [{ user_id: "person-7" }, "standard_only"],
    );
    for (const [option, value] of [
      ["seed", 1],
      ["logprobs", true],
      ["presence_penalty", 1],
      ["verbosity", "low"],
      ["prediction", { type: "content", content: "x" }],
    ] as const)
      rejects(() => build(user, { [option]: value } as ChatCompletionOptions), option, /leave it out/);
    rejects(() => build(user, { metadata: { job: "x" } }), "metadata", /only a user id/);
    rejects(() => build(user, { service_tier: "flex" }), "service_tier", /auto or default/);
  });
});

describe("the recorded requests, rebuilt exactly", () => {
  const recorded = (name: string) => fixtureJson<Exchange>(name, ANTHROPIC_FIXTURES_DIR).request.body;

  it("message-text-system-prompt.json: system as a text block, temperature 0", () => {
    const request = buildAnthropicRequest({
      messages: [
        {
          role: "system",
          content: [
            {
              type: "text",
              text: 'You must include the exact phrase "XKCD7392" somewhere in your response.',
            },
          ],
        },
        { role: "user", content: "Tell me about the weather." },
      ],
      call: { temperature: 0, max_tokens: 64000 },
      defaults: { ...defaults, chat_model: "claude-haiku-4-5-20251001" },
      warnings: [],
    });
    assert.deepStrictEqual(request, recorded("message-text-system-prompt.json"));
  });

  it("message-stop-sequence.json: stop_sequences, no sampling by default", () => {
    const request = buildAnthropicRequest({
      messages: [
        {
          role: "user",
          content:
            'What is the capital of France? Give me an answer that contains the word "Paris", but is not the first word.',
        },
      ],
      call: { stop: ["Paris"], max_tokens: 1024 },
      defaults: { ...defaults, chat_model: "claude-3-5-sonnet-latest" },
      warnings: [],
    });
    assert.deepStrictEqual(request, recorded("message-stop-sequence.json"));
  });

  it("message-parallel-tool-results-followup.json: text and 4 tool_use, then 4 tool_results in one turn", () => {
    const body = recorded("message-parallel-tool-results-followup.json") as {
      system: string;
      messages: Array<{ content: Array<Record<string, unknown>> }>;
      tools: Array<Record<string, unknown>>;
    };
    const assistant = body.messages[1]!.content;
    const results = body.messages[2]!.content;
    const history: ChatMessage[] = [
      { role: "system", content: body.system },
      { role: "user", content: "Alice, Bob, Charlie and Daisy are a family. Who is the youngest?" },
      {
        role: "assistant",
        content: assistant[0]!["text"] as string,
        tool_calls: assistant.slice(1).map((block) => ({
          id: block["id"] as string,
          type: "function" as const,
          tool: { name: block["name"] as string, arguments: block["input"] as Record<string, unknown> },
        })),
      },
      ...results.map((block) => ({
        role: "tool" as const,
        tool_call_id: block["tool_use_id"] as string,
        content: block["content"] as string,
        is_error: false,
      })),
    ];
    const tool = body.tools[0]!;
    const request = buildAnthropicRequest({
      messages: history,
      call: {
        tools: [
          {
            name: tool["name"] as string,
            description: tool["description"] as string,
            parameters: tool["input_schema"] as Record<string, unknown>,
          },
        ],
      },
      defaults: { ...defaults, chat_model: "claude-3-5-haiku-latest" },
      warnings: [],
    });
    assert.deepStrictEqual(request, body);
  });

  it("message-thinking-tool-result-followup.json: the thinking block goes back with its signature", () => {
    const body = recorded("message-thinking-tool-result-followup.json") as {
      messages: Array<{ content: Array<Record<string, unknown>> }>;
    };
    const assistant = body.messages[1]!.content;
    const request = buildAnthropicRequest({
      messages: [
        { role: "user", content: "What is the largest city in the user country?" },
        {
          role: "assistant",
          content: assistant[1]!["text"] as string,
          thinking: [assistant[0] as never],
          tool_calls: [
            { id: assistant[2]!["id"] as string, tool: { name: "get_user_country", arguments: {} } },
          ],
        },
        { role: "tool", tool_call_id: assistant[2]!["id"] as string, content: "Mexico", is_error: false },
      ],
      call: {
        thinking_budget: 3000,
        tools: [
          {
            name: "get_user_country",
            description: "",
            parameters: { additionalProperties: false, properties: {}, type: "object" },
          },
        ],
      },
      defaults: { ...defaults, chat_model: "claude-sonnet-4-0" },
      warnings: [],
    });
    assert.deepStrictEqual(request, body);
  });
});

describe("the Claude model table", () => {
  it("dated snapshots and -latest aliases resolve to their family; every model has limits and a price", async () => {
    const { getAnthropicModelInfo, ANTHROPIC_MODELS, ANTHROPIC_PRICES } = await import("../../src/index.js");
    assert.equal(getAnthropicModelInfo("claude-sonnet-4-5-20250929")?.id, "claude-sonnet-4-5");
    assert.equal(getAnthropicModelInfo("claude-3-5-haiku-latest")?.id, "claude-3-5-haiku");
    assert.equal(getAnthropicModelInfo("claude-3-5-sonnet-latest")?.id, "claude-3-5-sonnet-20241022");
    assert.equal(getAnthropicModelInfo("claude-3-opus-20240229")?.id, "claude-3-opus-20240229");
    assert.equal(getAnthropicModelInfo("claude-unknown-9"), undefined);
    // Asked again (answers are remembered), and names of Object.prototype are not models.
    assert.equal(getAnthropicModelInfo("claude-sonnet-4-5-20250929")?.id, "claude-sonnet-4-5");
    assert.equal(getAnthropicModelInfo("claude-unknown-9"), undefined);
    assert.equal(getAnthropicModelInfo("constructor"), undefined);
    assert.equal(getAnthropicModelInfo("toString-latest"), undefined);
    for (const info of Object.values(ANTHROPIC_MODELS)) {
      assert.ok(info.context_window >= info.max_output_tokens && info.max_output_tokens > 0, info.id);
      const price = ANTHROPIC_PRICES[info.id];
      assert.ok(price.input > 0 && price.output > price.input && price.cache_read < price.input, info.id);
    }
  });
});
