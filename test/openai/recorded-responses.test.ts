import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ChatMessage, LLMResponseStatus, OpenAI } from "../../src/index.js";
import { type Exchange, fixtureJson, fixtureText, replay } from "../helpers/fixtures.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { json, ok } from "../helpers/handlers.js";
import { TestServer } from "../helpers/test-server.js";

const KEY = "sk-replay-0000000000";
const SAMPLING = { max_tokens: 4096, temperature: 0.9, top_p: 1 };

describe("recorded OpenAI responses, replayed through the test server", () => {
  let server: TestServer;
  let llm: OpenAI;
  before(async () => {
    server = await TestServer.start();
    llm = new OpenAI({
      api_key: KEY,
      api_base: `${server.url}/v1`,
      chat_model: "gpt-4o-mini",
      rate_limit: false,
    });
  });
  after(() => server.close());

  it("parallel tool calls, then the tool-result follow-up built from the first response", async () => {
    const first = fixtureJson<Exchange>("chat-parallel-tool-calls.json");
    const second = fixtureJson<Exchange>("chat-tool-results-followup.json");
    const tool = (first.request.body["tools"] as Array<{ function: Record<string, unknown> }>)[0]!.function;
    const messages: ChatMessage[] = [
      { role: "system", content: "You're a helpful assistant." },
      { role: "user", content: "What's the weather in Seattle and San Francisco today?" },
    ];
    server.script(replay("chat-parallel-tool-calls.json"), replay("chat-tool-results-followup.json"));

    const response = await llm.chat_completions(messages, {
      tools: [
        {
          name: "get_current_weather",
          description: tool["description"] as string,
          parameters: tool["parameters"] as Record<string, unknown>,
        },
      ],
    });
    assert.equal(server.requests[0]?.path, "/v1/chat/completions");
    assert.equal(server.requests[0]?.headers["authorization"], `Bearer ${KEY}`);
    assert.deepStrictEqual(server.requests[0]?.body, {
      ...first.request.body,
      ...SAMPLING,
      tools: [{ type: "function", function: { ...tool, strict: true } }],
    });
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "");
    assert.equal(response.finish_reason, "tool_calls");
    assert.deepStrictEqual(response.tool_calls, [
      {
        id: "call_JpNb8OiAkbIbHzDggfpdDHpi",
        tool: { name: "get_current_weather", arguments: { location: "Seattle, WA" } },
        type: "function",
      },
      {
        id: "call_vaFQc3zK6hHTRZKXRI5Eo2cJ",
        tool: { name: "get_current_weather", arguments: { location: "San Francisco, CA" } },
        type: "function",
      },
    ]);
    assert.deepStrictEqual(
      [response.send_tokens, response.recv_tokens, response.total_tokens],
      [75, 51, 126],
    );
    assert.equal(response.request_id, "req_a0c3b432eb349a35b6d8dde6e01451e4");
    assert.equal(response.model, "gpt-4o-mini-2024-07-18");

    const results = ["50 degrees and raining", "70 degrees and sunny"];
    const followup = await llm.chat_completions([
      ...messages,
      { role: "assistant", content: response.content, tool_calls: response.tool_calls },
      ...response.tool_calls.map((call, index) => ({
        role: "tool" as const,
        tool_call_id: call.id,
        content: results[index],
      })),
    ]);
    const recorded = second.request.body as { messages: Array<Record<string, unknown>> };
    const expectedMessages = recorded.messages.map((message) =>
      message["tool_calls"]
        ? {
            role: "assistant",
            tool_calls: (
              message["tool_calls"] as Array<{ id: string; function: { name: string; arguments: string } }>
            ).map((call) => ({
              id: call.id,
              type: "function",
              function: {
                name: call.function.name,
                arguments: JSON.stringify(JSON.parse(call.function.arguments)),
              },
            })),
          }
        : message,
    );
    assert.deepStrictEqual(server.requests[1]?.body, {
      ...recorded,
      ...SAMPLING,
      messages: expectedMessages,
    });
    assert.equal(
      followup.content,
      "Today, the weather in Seattle is 50 degrees and raining, while in San Francisco, it's 70 degrees and sunny.",
    );
    assert.deepStrictEqual(
      [followup.send_tokens, followup.recv_tokens, followup.total_tokens],
      [99, 25, 124],
    );
  });

  it("json_object with a tool result in history: parsed value on the response", async () => {
    const exchange = fixtureJson<Exchange>("chat-json-object.json");
    server.script(replay("chat-json-object.json"));
    const recorded = exchange.request.body as { messages: ChatMessage[] };
    const response = await llm.chat_completions(recorded.messages, {
      model: "gpt-4o",
      response_format: { type: "json_object" },
      tools: [
        {
          type: "function",
          function: {
            name: "get_user_country",
            description: "",
            parameters: { additionalProperties: false, properties: {}, type: "object" },
          },
        },
      ],
    });
    const { stream: _stream, ...sent } = exchange.request.body;
    const tools = sent["tools"] as Array<{ function: object }>;
    assert.deepStrictEqual(server.requests[0]?.body, {
      ...sent,
      ...SAMPLING,
      messages: recorded.messages.map((message) => ({ ...message })),
      tools: [{ type: "function", function: { ...tools[0]!.function, strict: true } }],
    });
    assert.equal(response.content, '{"city":"Mexico City","country":"Mexico"}');
    assert.deepStrictEqual(response.parsed, { city: "Mexico City", country: "Mexico" });
    assert.deepStrictEqual(
      [response.send_tokens, response.recv_tokens, response.total_tokens],
      [130, 11, 141],
    );
  });

  it("a plain 2026 text answer with full usage details", async () => {
    const body = JSON.parse(fixtureText("chat-text.body.json")) as {
      choices: Array<{ message: { content: string } }>;
    };
    server.script(json(200, body));
    const response = await llm.chat_completions([{ role: "user", content: "Invent a holiday" }]);
    assert.equal(response.content, body.choices[0]!.message.content);
    assert.equal(response.finish_reason, "stop");
    assert.equal(response.model, "gpt-4.1-nano-2025-04-14");
  });

  it("an Azure-style api_base keeps its query string, and the key goes as api-key", async () => {
    server.script(ok("azure"));
    const llm = clientFor(server, {
      api_base: `${server.url}/openai/deployments/my-gpt/?api-version=2024-10-21`,
      auth_header: "api-key",
    });
    const result = await llm.chat_completions(HELLO);
    assert.equal(result.content, "azure");
    assert.equal(
      server.requests[0]?.path,
      "/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21",
    );
    assert.equal(server.requests[0]?.headers["api-key"], llm.config.api_key);
    assert.equal(server.requests[0]?.headers["authorization"], undefined);
  });
});
