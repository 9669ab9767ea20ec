import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, OpenAI } from "../../src/index.js";
import { countOpenAITokens } from "../../src/openai/count-openai-tokens.js";
import { parseResetMs, readRateLimitHeaders } from "../../src/transport/rate-limit-headers.js";
import { LocalRateBudget } from "../../src/budgets/local-rate-budget.js";
import { TEST_KEY, timed } from "../helpers/client.js";
import { delayed, ok } from "../helpers/handlers.js";
import { rateLimitedServer } from "../helpers/rate-limited.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const exactPrompt = (body: Record<string, unknown>) => countOpenAITokens(body as never, "o200k_base");
let keySerial = 0;
/** A client with a budget of its own: pacing budgets are per (api_base, key, model). */
function pacedClient(server: TestServer, overrides: object = {}) {
  keySerial += 1;
  return new OpenAI({
    api_key: `${TEST_KEY}-${keySerial}`,
    api_base: `${server.url}/v1`,
    chat_model: "gpt-4o-mini",
    max_tokens: 100,
    retry: { initial_delay_ms: 20, max_delay_ms: 100 },
    ...overrides,
  });
}
const prompt = (index: number) => [
  { role: "user" as const, content: `Request number ${index}: ${"lorem ipsum ".repeat(20)}` },
];

describe("x-ratelimit-* headers", () => {
  it("parses OpenAI's reset durations", () => {
    assert.deepStrictEqual(
      ["1s", "120ms", "6m0s", "1m30.5s", "30.375s", "11ms", "0s", "2h", "7", "soon"].map(parseResetMs),
      [1000, 120, 360_000, 90_500, 30_375, 11, 0, 7_200_000, 7000, undefined],
    );
  });

  it("reads the recorded headers of a real response", () => {
    assert.deepStrictEqual(
      readRateLimitHeaders({
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-requests": "9996",
        "x-ratelimit-remaining-tokens": "199961",
        "x-ratelimit-reset-requests": "30.375s",
        "x-ratelimit-reset-tokens": "11ms",
      }),
      {
        requests: { limit: 10000, remaining: 9996, resetMs: 30_375 },
        tokens: { limit: 200000, remaining: 199961, resetMs: 11 },
      },
    );
  });
});

describe("LocalRateBudget", () => {
  it("a fixed budget grants what it holds, then queues first in first out; a queued wait is abortable", async () => {
    const budget = new LocalRateBudget({ requests_per_minute: 3 });
    const grant = () => budget.acquire({ promptTokens: 10, maxTokens: 10 });
    for (let index = 0; index < 3; index += 1) (await grant()).settle(10);
    const controller = new AbortController();
    const waiting = budget.acquire({ promptTokens: 10, maxTokens: 10, signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting, (error: Error & { kind?: string }) => error.kind === "aborted");
  });

  it("a queued wait ends at the deadline as a timeout", async () => {
    const budget = new LocalRateBudget({ requests_per_minute: 1 });
    (await budget.acquire({ promptTokens: 1, maxTokens: 1 })).settle(1);
    const { elapsedMs } = await timed(() =>
      assert.rejects(
        budget.acquire({ promptTokens: 1, maxTokens: 1, deadlineAt: performance.now() + 100 }),
        (error: Error & { kind?: string }) => error.kind === "timeout",
      ),
    );
    assert.ok(elapsedMs >= 90 && elapsedMs < 1000, `took ${elapsedMs} ms`);
  });
});

describe("pacing against a rate-limited server", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("until the first response arrives, a first wave of 8 goes at once and the rest wait", async () => {
    server.script(delayed(200, ok("answer")));
    const llm = pacedClient(server);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => llm.chat_completions(prompt(index))),
    );
    assert.ok(results.every((result) => result.status === LLMResponseStatus.SUCCESS));
    const first = server.requests[0]!.receivedAt;
    const waited = server.requests.map((request) => request.receivedAt - first >= 180);
    assert.deepStrictEqual(waited, [false, false, false, false, false, false, false, false, true, true]);
  });

  it("five concurrent calls to a slow server take one answer's time, not two", async () => {
    server.script(delayed(400, ok("slow")));
    const llm = pacedClient(server);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) => llm.chat_completions(prompt(index))),
    );
    assert.ok(results.every((response) => response.status === LLMResponseStatus.SUCCESS));
    assert.equal(server.requests.length, 5);
    // Sent together: none waited for another's 400 ms answer.
    const first = server.requests[0]!.receivedAt;
    assert.ok(
      server.requests.every((request) => request.receivedAt - first < 300),
      "sent together",
    );
  });

  it("the first wave also stops at 24,000 reserved tokens", async () => {
    server.script(delayed(200, ok("answer")));
    // Each request reserves its ~40 prompt tokens plus max_tokens 7,500: three fit in the wave.
    const llm = pacedClient(server, { max_tokens: 7_500 });
    await Promise.all(Array.from({ length: 4 }, (_, index) => llm.chat_completions(prompt(index))));
    const first = server.requests[0]!.receivedAt;
    const waited = server.requests.map((request) => request.receivedAt - first >= 180);
    assert.deepStrictEqual(waited, [false, false, false, true]);
  });

  it("paces a burst from the headers: all complete, no 429 storm", async () => {
    const { handler, stats } = rateLimitedServer({
      requests: { capacity: 8, perSecond: 10 },
      tokens: { capacity: 8 * 300, perSecond: 10 * 300 },
      promptTokens: exactPrompt,
    });
    server.script(handler);
    const llm = pacedClient(server);
    const { result, elapsedMs } = await timed(() =>
      Promise.all(Array.from({ length: 28 }, (_, index) => llm.chat_completions(prompt(index)))),
    );
    assert.equal(result.filter((response) => response.status === LLMResponseStatus.SUCCESS).length, 28);
    assert.equal(stats.ok, 28);
    assert.ok(stats.limited <= 1, `${stats.limited} 429s`);
    // Best possible: 8 at once, then 20 more at 10/s.
    assert.ok(elapsedMs >= 1800 && elapsedMs < 6000, `took ${elapsedMs} ms`);
  });

  it("paces by tokens: each request reserves its prompt plus max_tokens", async () => {
    const { handler, stats } = rateLimitedServer({
      requests: { capacity: 1000, perSecond: 1000 },
      tokens: { capacity: 8 * 250, perSecond: 8 * 250 },
      promptTokens: exactPrompt,
    });
    server.script(handler);
    const llm = pacedClient(server, { max_tokens: 200 });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, index) => llm.chat_completions(prompt(index))),
    );
    assert.equal(results.filter((response) => response.status === LLMResponseStatus.SUCCESS).length, 24);
    assert.ok(stats.limited <= 1, `${stats.limited} 429s`);
  });

  it("a first wave larger than the server's burst: its 429s pause the budget, and all complete", async () => {
    const { handler, stats } = rateLimitedServer({
      requests: { capacity: 3, perSecond: 10 },
      tokens: { capacity: 100_000, perSecond: 100_000 },
      promptTokens: exactPrompt,
    });
    server.script(handler);
    const llm = pacedClient(server);
    const { result, elapsedMs } = await timed(() =>
      Promise.all(Array.from({ length: 13 }, (_, index) => llm.chat_completions(prompt(index)))),
    );
    assert.equal(result.filter((response) => response.status === LLMResponseStatus.SUCCESS).length, 13);
    assert.ok(
      result.every((response) => response.attempts <= 2),
      "a wave's 429 costs one retry",
    );
    // The wave of 8 meets a burst of 3: 5 refused once, then paced at the learned rate. Taking
    // those 429s as other processes on the key would halve the rate and take several seconds.
    assert.ok(stats.limited <= 5, `${stats.limited} 429s`);
    assert.ok(elapsedMs < 2500, `took ${elapsedMs} ms`);
  });

  it("every client instance with the same base, key and model shares one budget", async () => {
    const { handler, stats } = rateLimitedServer({
      requests: { capacity: 8, perSecond: 10 },
      tokens: { capacity: 100_000, perSecond: 100_000 },
      promptTokens: exactPrompt,
    });
    server.script(handler);
    const key = `${TEST_KEY}-shared`;
    const clients = [0, 1, 2].map(
      () =>
        new OpenAI({ api_key: key, api_base: `${server.url}/v1`, chat_model: "gpt-4o-mini", max_tokens: 10 }),
    );
    const results = await Promise.all(
      Array.from({ length: 18 }, (_, index) => clients[index % 3]!.chat_completions(prompt(index))),
    );
    assert.equal(results.filter((response) => response.status === LLMResponseStatus.SUCCESS).length, 18);
    assert.ok(stats.limited <= 1, `${stats.limited} 429s`);
  });

  it("rate_limit: false sends at once, and the 429s fall to the retry policy", async () => {
    const { handler, stats } = rateLimitedServer({
      requests: { capacity: 2, perSecond: 20 },
      tokens: { capacity: 100_000, perSecond: 100_000 },
      promptTokens: exactPrompt,
    });
    server.script(handler);
    const llm = pacedClient(server, { rate_limit: false, max_retries: 8 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => llm.chat_completions(prompt(index))),
    );
    assert.equal(results.filter((response) => response.status === LLMResponseStatus.SUCCESS).length, 8);
    assert.ok(stats.limited >= 4, `${stats.limited} 429s without pacing`);
  });

  it("a fixed budget paces a server that sends no headers", async () => {
    server.script(ok("fine"));
    const llm = pacedClient(server, { rate_limit: { requests_per_minute: 600 }, max_tokens: 10 });
    const { result, elapsedMs } = await timed(() =>
      Promise.all(Array.from({ length: 603 }, (_, index) => llm.chat_completions(prompt(index)))),
    );
    assert.ok(result.every((response) => response.status === LLMResponseStatus.SUCCESS));
    // 600 at once, then 3 more at 10 per second.
    assert.ok(elapsedMs >= 250 && elapsedMs < 5000, `took ${elapsedMs} ms`);
  });

  it("waiting for budget is abortable and counts toward total_timeout", async () => {
    server.script(ok("fine"));
    const llm = pacedClient(server, { rate_limit: { requests_per_minute: 1 } });
    assert.equal((await llm.chat_completions(prompt(0))).status, LLMResponseStatus.SUCCESS);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await llm.chat_completions(prompt(1), { signal: controller.signal });
    assert.deepStrictEqual([aborted.error?.kind, aborted.error?.attempts], ["aborted", 0]);
    const late = await llm.chat_completions(prompt(2), { total_timeout: 0.1 });
    assert.equal(late.error?.kind, "timeout");
    assert.equal(server.requests.length, 1);
  });
});
