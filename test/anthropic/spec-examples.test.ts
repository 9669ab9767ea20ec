import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ChatMessage, LLMResponseStatus } from "../../src/index.js";
import { claudeFor } from "../helpers/claude.js";
import { json } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const answer = (content: unknown[], stop_reason: string) => ({
  id: "msg_spec",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content,
  stop_reason,
  usage: { input_tokens: 20, output_tokens: 10 },
});

describe("the spec's examples, unchanged, on AnthropicAI", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("JSON responses: content is the JSON text, parsed the object", async () => {
    server.script(
      json(
        200,
        answer(
          [{ type: "tool_use", id: "toolu_j", name: "json_response", input: { answer: 42 } }],
          "tool_use",
        ),
      ),
    );
    const res = await claudeFor(server).chat_completions([{ role: "user", content: "Return JSON" }], {
      response_format: { type: "json_object" },
    });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, '{"answer":42}');
    assert.deepStrictEqual(res.parsed, { answer: 42 });
    assert.equal(res.finish_reason, "end_turn");
    assert.deepStrictEqual(res.tool_calls, []);
  });

  it("tools: every call in Director's shape, and the results go back in one user turn", async () => {
    const tools = [
      {
        name: "get_data",
        description: "Get data from source",
        parameters: { type: "object", properties: { id: { type: "string" } } },
      },
    ];
    server.script(
      json(
        200,
        answer(
          [
            { type: "text", text: "Fetching both." },
            { type: "tool_use", id: "toolu_1", name: "get_data", input: { id: "42" } },
            { type: "tool_use", id: "toolu_2", name: "get_data", input: { id: "43" } },
          ],
          "tool_use",
        ),
      ),
      json(200, answer([{ type: "text", text: "Both fetched." }], "end_turn")),
    );
    const llm = claudeFor(server);
    const messages: ChatMessage[] = [{ role: "user", content: "Get 42 and 43" }];
    const res = await llm.chat_completions(messages, { tools });
    assert.deepStrictEqual(res.tool_calls, [
      { id: "toolu_1", tool: { name: "get_data", arguments: { id: "42" } }, type: "function" },
      { id: "toolu_2", tool: { name: "get_data", arguments: { id: "43" } }, type: "function" },
    ]);
    messages.push(res.assistant_message);
    for (const call of res.tool_calls)
      messages.push({ role: "tool", tool_call_id: call.id, content: `data ${call.tool.arguments["id"]}` });
    const next = await llm.chat_completions(messages, { tools });
    assert.equal(next.content, "Both fetched.");
    const sent = server.requests[1]!.body as { messages: unknown[] };
    assert.deepStrictEqual(sent.messages.slice(1), [
      {
        role: "assistant",
        content: [
          { type: "text", text: "Fetching both." },
          { type: "tool_use", id: "toolu_1", name: "get_data", input: { id: "42" } },
          { type: "tool_use", id: "toolu_2", name: "get_data", input: { id: "43" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "data 42" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "data 43" },
        ],
      },
    ]);
  });
});

describe("run_tools on AnthropicAI", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("the same loop: a tool_use, its result in one user turn with is_error on a failure, then the answer", async () => {
    server.script(
      json(
        200,
        answer(
          [
            { type: "tool_use", id: "toolu_a", name: "lookup", input: { id: "7" } },
            { type: "tool_use", id: "toolu_b", name: "missing", input: {} },
          ],
          "tool_use",
        ),
      ),
      json(200, answer([{ type: "text", text: "Found it." }], "end_turn")),
    );
    const lookup = {
      name: "lookup",
      parameters: { type: "object", properties: { id: { type: "string" } } },
      execute: () => "item 7",
    };
    const run = await claudeFor(server).run_tools([{ role: "user", content: "Find 7" }], { tools: [lookup] });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "Found it.");
    const sent = server.requests[1]!.body as { messages: Array<{ role: string; content: unknown }> };
    assert.deepStrictEqual(sent.messages.at(-1), {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_a", content: "item 7" },
        {
          type: "tool_result",
          tool_use_id: "toolu_b",
          content: 'Error: unknown tool "missing"; the tools are: lookup',
          is_error: true,
        },
      ],
    });
  });
});
