import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { LLMResponseStatus, OpenAI } from "../../src/index.js";
import { countOpenAITokens } from "../../src/openai/count-openai-tokens.js";
import { clientFor, HELLO, TEST_KEY } from "../helpers/client.js";
import { completion, json, ok } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const user = (content: string) => ({ messages: [{ role: "user" as const, content }] });

describe("prompt counting is linear and interruptible", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a run without whitespace is counted in 256-character pieces", () => {
    const piece = countOpenAITokens(user("a".repeat(256)), "o200k_base") - 7;
    assert.equal(countOpenAITokens(user("a".repeat(160_000)), "o200k_base"), 625 * piece + 7);
  });

  it("ordinary text over many slices counts exactly as the whole text", () => {
    const text = "The quick brown fox jumps over the lazy dog. It was a bright cold day in April. ".repeat(
      3000,
    );
    assert.ok(text.length > 200_000);
    assert.equal(countOpenAITokens(user(text), "o200k_base"), countTokens(text) + 7);
  });

  it("the pre-send count of a 3 MB prompt honours the signal and total_timeout: nothing is sent", async () => {
    server.script(ok("never"));
    const huge = [{ role: "user" as const, content: "lorem ipsum dolor ".repeat(170_000) }];
    const llm = clientFor(server);
    const aborted = await llm.chat_completions(huge, { signal: AbortSignal.abort() });
    assert.deepStrictEqual([aborted.error?.kind, aborted.error?.attempts], ["aborted", 0]);
    const late = await llm.chat_completions(huge, { total_timeout: 0.001 });
    assert.equal(late.error?.kind, "timeout");
    assert.equal(server.requests.length, 0);
  });
});

describe("time values past a timer's range", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("timeout: Infinity turns the attempt limit off; 3e6 s works without overflowing", async () => {
    server.script(ok("fine"));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    for (const timeout of [Number.POSITIVE_INFINITY, 3e6]) {
      const response = await clientFor(server, { timeout, max_retries: 0 }).chat_completions(HELLO);
      assert.equal(response.status, LLMResponseStatus.SUCCESS, `timeout ${timeout}`);
      assert.equal(response.attempts, 1);
    }
    const perCall = await clientFor(server).chat_completions(HELLO, { timeout: Number.POSITIVE_INFINITY });
    assert.equal(perCall.status, LLMResponseStatus.SUCCESS);
    process.off("warning", onWarning);
    assert.deepStrictEqual(warnings, []);
  });

  it("a reset of 999999h fails the next call at once as rate_limit instead of spinning on timers", async () => {
    server.script(
      json(200, completion("first"), {
        "x-ratelimit-limit-tokens": "10000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "999999h",
      }),
    );
    const llm = clientFor(server, { api_key: `${TEST_KEY}-reset`, rate_limit: "auto" });
    assert.equal((await llm.chat_completions(HELLO)).status, LLMResponseStatus.SUCCESS);
    const next = await llm.chat_completions(HELLO);
    assert.equal(next.error?.kind, "rate_limit");
    assert.equal(next.error?.attempts, 0);
    assert.match(next.error?.message ?? "", /longer than max_retry_after_ms \(60000 ms\); nothing was sent$/);
    assert.equal(server.requests.length, 1);
  });
});

describe("secrets other than the key", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a custom header value echoed by the server is removed from the error, streamed or not", async () => {
    const secret = "hdr-secret-value-42";
    server.script(json(400, { error: { message: `bad header x-api-key=${secret}`, code: "bad" } }));
    const llm = clientFor(server, { headers: { "x-api-key": secret } });
    const response = await llm.chat_completions(HELLO);
    assert.equal(response.error?.message, "400 bad: bad header x-api-key=[redacted]");
    server.script((_request, reply) => {
      reply.writeHead(200, { "content-type": "text/event-stream" });
      reply.end(
        `data: ${JSON.stringify({ error: { message: `echo ${secret}`, type: "server_error" } })}\n\n`,
      );
    });
    const streamed = await clientFor(server, {
      headers: { "x-api-key": secret },
      max_retries: 0,
    }).stream_chat_completions(HELLO).response;
    assert.equal(streamed.error?.message, "error event in stream: echo [redacted]");
  });

  it("a key in api_base's query string never shows in inspect or JSON", () => {
    const llm = new OpenAI({ api_key: TEST_KEY, api_base: "https://example.test/v1?key=query-secret-123" });
    for (const text of [inspect(llm, { depth: 9 }), JSON.stringify(llm)]) {
      assert.ok(!text.includes("query-secret-123"), text);
      assert.ok(text.includes("https://example.test/v1?key=[redacted]"), text);
    }
  });
});
