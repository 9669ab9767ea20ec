import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, type StreamPart } from "../../src/index.js";
import { readRateLimitHeaders } from "../../src/transport/rate-limit-headers.js";
import { TEST_KEY } from "../helpers/client.js";
import { ANTHROPIC_FIXTURES_DIR, type Exchange, fixtureJson } from "../helpers/fixtures.js";
import { json, raw } from "../helpers/handlers.js";
import { ssePieces } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";
import { claudeFor, claudeMessage } from "../helpers/claude.js";

const HI = [{ role: "user" as const, content: "hi" }];
const event = (data: Record<string, unknown>) => `event: ${data["type"]}\ndata: ${JSON.stringify(data)}\n\n`;
const start = event({
  type: "message_start",
  message: { id: "msg_s", model: "claude-haiku-4-5-20251001", usage: { input_tokens: 8, output_tokens: 1 } },
});
const textBlock = (text: string) =>
  event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
  event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
const ping = 'event: ping\ndata: {"type": "ping"}\n\n';

describe("AnthropicAI faults: every one typed", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("529 overloaded, then 200: retried once", async () => {
    server.script(
      json(
        529,
        { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        { "x-should-retry": "true" },
      ),
      json(200, claudeMessage("fine")),
    );
    const res = await claudeFor(server, { max_retries: 2 }).chat_completions(HI);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual([res.content, res.attempts], ["fine", 2]);
  });

  it("429 with retry-after is waited out without spending max_retries; x-should-retry: false is not retried", async () => {
    const limited = {
      type: "error",
      error: {
        type: "rate_limit_error",
        message: "Number of requests has exceeded your per-minute rate limit",
      },
    };
    server.script(
      json(429, limited, { "retry-after": "1", "x-should-retry": "true" }),
      json(200, claudeMessage("after the wait")),
    );
    const waited = await claudeFor(server, { max_retries: 0 }).chat_completions(HI);
    assert.deepStrictEqual([waited.content, waited.attempts], ["after the wait", 2]);
    server.script(json(429, limited, { "x-should-retry": "false" }));
    const refused = await claudeFor(server, { max_retries: 2 }).chat_completions(HI);
    assert.deepStrictEqual([refused.error?.kind, refused.error?.attempts], ["rate_limit", 1]);
  });

  it("an error event mid-stream fails the stream, keeping the text so far", async () => {
    const overloaded =
      'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n';
    server.script(ssePieces([Buffer.from(start + textBlock("Half")), Buffer.from(overloaded)]));
    const stream = claudeFor(server, { max_retries: 2 }).stream_chat_completions(HI);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const res = await stream.response;
    assert.deepStrictEqual([res.error?.kind, res.content, res.attempts], ["overloaded", "Half", 1]);
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["text-delta", "error"],
    );
  });

  it("for_each reads a Claude stream as for await does: the same parts and response", async () => {
    const overloaded =
      'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n';
    server.script(ssePieces([Buffer.from(start + textBlock("Half")), Buffer.from(overloaded)]));
    const parts: StreamPart[] = [];
    const res = await claudeFor(server)
      .stream_chat_completions(HI)
      .for_each((part) => parts.push(part));
    assert.deepStrictEqual([res.error?.kind, res.content, res.attempts], ["overloaded", "Half", 1]);
    assert.deepStrictEqual(
      parts.map((part) => (part.type === "text-delta" ? part.text : part.type)),
      ["Half", "error"],
    );
  });

  it("a stream that only pings is stalled: pings are not progress", async () => {
    server.script(ssePieces([Buffer.from(start + ping)], { stall: true }));
    const res = await claudeFor(server, { timeout: 0.4 }).stream_chat_completions(HI).response;
    assert.equal(res.error?.kind, "timeout");
    assert.match(res.error?.message ?? "", /stream idle timeout/);
  });

  it("a connection cut mid-stream is a connection error with what arrived", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(start + textBlock("Cut "), () => setTimeout(() => response.destroy(), 20));
    });
    const res = await claudeFor(server).stream_chat_completions(HI).response;
    assert.deepStrictEqual([res.error?.kind, res.content], ["connection", "Cut "]);
  });

  it("hostile bodies: HTML, truncated JSON, an error object in a 200, a key echoed back", async () => {
    server.script(raw(200, "<html>gateway</html>", { "content-type": "text/html" }));
    assert.equal((await claudeFor(server).chat_completions(HI)).error?.kind, "invalid_response");
    server.script(raw(200, '{"id": "msg_1", "content": [', { "content-type": "application/json" }));
    assert.equal((await claudeFor(server).chat_completions(HI)).error?.kind, "invalid_response");
    server.script(json(200, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    const overloaded = await claudeFor(server).chat_completions(HI);
    assert.deepStrictEqual(
      [overloaded.error?.kind, overloaded.error?.message],
      ["overloaded", "error object in a 200 response: Overloaded"],
    );
    server.script(
      json(401, {
        type: "error",
        error: { type: "authentication_error", message: `invalid x-api-key ${TEST_KEY}` },
      }),
    );
    const refused = await claudeFor(server).chat_completions(HI);
    assert.equal(refused.error?.message, "401: invalid x-api-key [redacted]");
  });

  it("sends x-api-key and anthropic-version to {api_base}/messages", async () => {
    server.script(json(200, claudeMessage("hi")));
    await claudeFor(server).chat_completions(HI);
    const request = server.requests[0]!;
    assert.equal(request.path, "/v1/messages");
    assert.equal(request.headers["x-api-key"], TEST_KEY);
    assert.equal(request.headers["anthropic-version"], "2023-06-01");
    assert.equal(request.headers["authorization"], undefined);
  });
});

describe("pacing from anthropic-ratelimit-* headers", () => {
  it("reads the recorded header set: RFC 3339 resets against the response's date", () => {
    const headers = fixtureJson<Exchange>("message-text-system-prompt.json", ANTHROPIC_FIXTURES_DIR).response
      .headers as Record<string, string>;
    const reported = readRateLimitHeaders(headers);
    const wait = (reset: string | undefined) => Date.parse(reset ?? "") - Date.parse(headers["date"] ?? "");
    assert.deepStrictEqual(reported.requests, {
      limit: Number(headers["anthropic-ratelimit-requests-limit"]),
      remaining: Number(headers["anthropic-ratelimit-requests-remaining"]),
      resetMs:
        wait(headers["anthropic-ratelimit-requests-reset"]) > 0
          ? wait(headers["anthropic-ratelimit-requests-reset"])
          : undefined,
    });
    assert.equal(reported.tokens?.limit, Number(headers["anthropic-ratelimit-tokens-limit"]));
  });

  it("a reset of 1970-01-01T00:00:00Z says nothing and breaks nothing", () => {
    const headers = fixtureJson<Exchange>("error-429-rate-limit-epoch-reset.json", ANTHROPIC_FIXTURES_DIR)
      .response.headers as Record<string, string>;
    const reported = readRateLimitHeaders(headers);
    assert.equal(reported.tokens?.resetMs, undefined);
    assert.ok(reported.requests === undefined || Number.isFinite(reported.requests.limit));
  });
});
