import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ChatMessage, LLMResponseStatus, OpenAI, type ToolDefinition } from "../../src/index.js";
import {
  countOpenAITokens,
  estimateTokens,
  hasExactTokenizer,
  upperBoundTokens,
} from "../../src/openai/count-openai-tokens.js";
import { buildOpenAIRequest } from "../../src/openai/build-openai-request.js";
import { costOf } from "../../src/openai/openai-prices.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { type Exchange, fixtureJson } from "../helpers/fixtures.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const llm = new OpenAI({ api_key: "sk-count-000000", api_base: "http://127.0.0.1:9/v1" });

function recorded(name: string) {
  const exchange = fixtureJson<Exchange>(name);
  const body = exchange.request.body as { model: string; messages: ChatMessage[]; tools?: ToolDefinition[] };
  const usage = (exchange.response.body as { usage?: { prompt_tokens: number } } | undefined)?.usage;
  return { body, reported: usage?.prompt_tokens };
}

describe("count_tokens against the prompt_tokens the real API reported", () => {
  it("plain messages: exact (stream-text-usage-obfuscation: 12)", () => {
    const { body } = recorded("stream-text-usage-obfuscation.json");
    assert.equal(llm.count_tokens(body.messages, { model: body.model }), 12);
  });

  const withTools: Array<[string, number]> = [
    ["chat-parallel-tool-calls.json", 75],
    ["stream-parallel-tool-calls-usage.json", 75],
    ["chat-tool-results-followup.json", 99],
    ["chat-json-object.json", 130],
  ];
  for (const [name, expected] of withTools) {
    it(`tool definitions and tool calls: within 2 tokens (${name}: ${expected})`, () => {
      const { body, reported } = recorded(name);
      if (reported !== undefined) assert.equal(reported, expected);
      const counted = llm.count_tokens(body.messages, {
        model: body.model,
        ...(body.tools ? { tools: body.tools } : {}),
      });
      assert.ok(Math.abs(counted - expected) <= 2, `counted ${counted}, API reported ${expected}`);
    });
  }

  it("counts exactly when the optional gpt-tokenizer is installed (it is, for the tests)", () => {
    assert.equal(hasExactTokenizer(), true);
    assert.equal(estimateTokens("four"), 1);
    assert.equal(estimateTokens("数字"), 2);
  });

  it("the cheap bound that lets most requests skip counting is never below the exact count", () => {
    const defaults = { chat_model: "gpt-4o", max_tokens: 1, temperature: 1, top_p: 1 };
    const samples: ChatMessage[][] = [
      [{ role: "user", content: "数字とemoji 👋🏽 ünïcödé ".repeat(50) }],
      [
        { role: "system", content: "" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/a.png" } }] },
      ],
      ...withTools.map(([name]) => recorded(name).body.messages),
    ];
    for (const messages of samples) {
      const request = buildOpenAIRequest({ messages, call: {}, defaults });
      assert.ok(upperBoundTokens(request) >= countOpenAITokens(request, "o200k_base"));
      assert.ok(upperBoundTokens(request) >= countOpenAITokens(request, "cl100k_base"));
    }
  });

  it("uses cl100k for gpt-4 and o200k for gpt-4o", () => {
    const messages = [{ role: "user" as const, content: "Tokenizers differ on ünïcödé and 数字 1234567" }];
    assert.notEqual(
      llm.count_tokens(messages, { model: "gpt-4" }),
      llm.count_tokens(messages, { model: "gpt-4o" }),
    );
  });
});

describe("the context window is checked before sending", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a prompt larger than the window fails as context_length_exceeded with no request sent", async () => {
    server.script(json(200, completion("never")));
    const huge = [{ role: "user" as const, content: "word ".repeat(9000) }];
    const response = await clientFor(server, { chat_model: "gpt-4" }).chat_completions(huge);
    assert.equal(response.status, LLMResponseStatus.ERROR);
    assert.equal(response.error?.kind, "context_length_exceeded");
    assert.equal(response.error?.attempts, 0);
    assert.match(
      response.error?.message ?? "",
      /^This model's maximum context length is 8192 tokens\. However, your messages resulted in more than 8191 tokens/,
    );
    assert.equal(server.requests.length, 0);
    const streamed = await clientFor(server, { chat_model: "gpt-4" }).stream_chat_completions(huge).response;
    assert.equal(streamed.error?.kind, "context_length_exceeded");
    assert.equal(server.requests.length, 0);
  });

  it("a prompt that fits with less room than max_tokens lowers max_tokens and says so", async () => {
    server.script(json(200, completion("short")));
    const messages = [{ role: "user" as const, content: "word ".repeat(6000) }];
    const client = clientFor(server, { chat_model: "gpt-4" });
    const promptTokens = client.count_tokens(messages);
    const response = await client.chat_completions(messages);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    const sent = server.requests[0]?.body as { max_tokens: number };
    assert.equal(sent.max_tokens, 8192 - promptTokens);
    assert.deepStrictEqual(response.warnings, [
      `max_tokens lowered from 4096 to ${8192 - promptTokens} so that the ${promptTokens}-token prompt fits gpt-4's 8192-token context window`,
    ]);
  });

  it("unknown models are not checked", async () => {
    server.script(json(200, completion("fine")));
    const response = await clientFor(server, { chat_model: "llama3.2" }).chat_completions([
      { role: "user", content: "word ".repeat(9000) },
    ]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    const sent = server.requests[0]!.body as { max_tokens: number };
    assert.equal(sent.max_tokens, 4096);
  });
});

describe("cost", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("prices uncached, cached and output tokens", () => {
    assert.equal(
      costOf({
        model: "gpt-4o-mini-2024-07-18",
        send_tokens: 1_000_000,
        recv_tokens: 1_000_000,
        cached_tokens: 0,
      }),
      0.75,
    );
    assert.equal(costOf({ model: "gpt-4o", send_tokens: 1000, recv_tokens: 500, cached_tokens: 400 }), 0.007);
    assert.equal(
      costOf({ model: "my-local-model", send_tokens: 10, recv_tokens: 10, cached_tokens: 0 }),
      undefined,
    );
  });

  it("every response carries its cost and the client adds up its usage", async () => {
    const client = clientFor(server);
    server.script(json(200, completion("a")));
    const first = await client.chat_completions(HELLO);
    assert.equal(first.cost, (11 * 0.15 + 7 * 0.6) / 1e6);
    server.script(json(500, { error: { message: "down" } }), json(200, completion("b")));
    const second = await client.chat_completions(HELLO);
    assert.equal(second.attempts, 2);
    server.script(
      sse(
        frame([
          chunk({ content: "c" }),
          chunk({}, "stop"),
          { choices: [], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } },
        ]),
      ),
    );
    const third = await client.stream_chat_completions(HELLO).response;
    assert.equal(third.cost, (100 * 0.15 + 10 * 0.6) / 1e6);
    server.script(json(200, completion("d", { model: "local-thing" })));
    const unknown = await clientFor(server, { chat_model: "local-thing" }).chat_completions(HELLO);
    assert.equal(unknown.cost, undefined);
    assert.deepStrictEqual(client.usage, {
      calls: 3,
      requests: 4,
      send_tokens: 122,
      recv_tokens: 24,
      total_tokens: 146,
      cost: Math.round(((22 * 0.15 + 14 * 0.6) / 1e6 + (100 * 0.15 + 10 * 0.6) / 1e6) * 1e9) / 1e9,
      calls_without_cost: 0,
    });
  });

  it("an aborted stream is costed from the usage estimated from what arrived", async () => {
    server.script(sse(frame([chunk({ content: "partial" })], false), { stall: true }));
    const controller = new AbortController();
    const stream = clientFor(server).stream_chat_completions(HELLO, { signal: controller.signal });
    for await (const part of stream) if (part.type === "text-delta") controller.abort();
    const response = await stream.response;
    assert.equal(response.error?.kind, "aborted");
    assert.ok(response.recv_tokens > 0 && response.send_tokens > 0);
    // gpt-4o-mini: $0.15 per million prompt tokens, $0.60 per million completion tokens.
    const expected = (response.send_tokens * 0.15 + response.recv_tokens * 0.6) / 1e6;
    assert.ok(Math.abs((response.cost ?? 0) - expected) < 1e-12, `${response.cost} vs ${expected}`);
  });
});
