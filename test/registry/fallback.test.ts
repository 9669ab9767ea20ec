import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import {
  type ChatMessage,
  FallbackLLM,
  InvalidArgumentError,
  LLMResponseStatus,
  type StreamPart,
} from "../../src/index.js";
import { claudeFor, claudeMessage } from "../helpers/claude.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { geminiAnswer, geminiFor } from "../helpers/gemini.js";
import { completion, hang, json } from "../helpers/handlers.js";
import { RedisServer } from "../helpers/redis-server.js";
import { chunk, frame, sse, ssePieces, usageChunk } from "../helpers/sse.js";
import { TestServer } from "../helpers/test-server.js";

const WORKER = fileURLToPath(new URL("../helpers/fallback-worker.js", import.meta.url));
const overloaded = json(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });

describe("FallbackLLM: an answer while any member can give it", () => {
  let a: TestServer;
  let b: TestServer;
  let g: TestServer;
  before(async () => {
    [a, b, g] = await Promise.all([TestServer.start(), TestServer.start(), TestServer.start()]);
  });
  after(() => Promise.all([a.close(), b.close(), g.close()]));

  it("529 on Claude, then OpenAI answers; the response names who answered, what failed, and sums usage", async () => {
    a.script(overloaded);
    b.script(json(200, completion("from openai")));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b, { max_retries: 0 })]);
    const res = await llm.chat_completions(HELLO);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, "from openai");
    assert.equal(res.provider, "openai");
    assert.equal(res.model, "gpt-4o-mini-2024-07-18");
    assert.deepStrictEqual(
      res.fallbacks.map((failure) => [failure.provider, failure.kind, failure.status_code]),
      [["anthropic", "overloaded", 529]],
    );
    assert.equal(res.attempts, 2);
    assert.equal(res.total_tokens, 18);
    assert.deepStrictEqual([llm.usage.calls, llm.usage.requests], [2, 2]);
  });

  it("a 429 asking for an hour: the next answers at once, and the first is cooled down for that hour", async () => {
    a.script(
      json(
        429,
        { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
        { "retry-after": "3600" },
      ),
    );
    b.script(json(200, completion("second")));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b)]);
    const first = await llm.chat_completions(HELLO);
    assert.equal(first.content, "second");
    const again = await llm.chat_completions(HELLO);
    assert.equal(again.content, "second");
    assert.equal(a.requests.length, 1, "the cooled-down member is not called again");
    assert.equal(again.fallbacks[0]?.skipped, "cooldown");
    assert.match(again.fallbacks[0]?.message ?? "", /cooling down for 3\d\d\d s more/);
  });

  it("401 on the first falls back (a misconfigured provider), and cools it at once", async () => {
    a.script(
      json(401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }),
    );
    b.script(json(200, completion("ok")));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b)]);
    assert.equal((await llm.chat_completions(HELLO)).content, "ok");
    assert.equal((await llm.chat_completions(HELLO)).content, "ok");
    assert.equal(a.requests.length, 1);
  });

  it("a 200 stream that carries only an error event moves to the next member, which streams", async () => {
    a.script(sse(frame([{ error: { message: "upstream overloaded", type: "server_error" } }], false)));
    b.script(sse(frame([chunk({ content: "Hi " }), chunk({ content: "there" }, "stop"), usageChunk(3, 2)])));
    const llm = new FallbackLLM([clientFor(a, { max_retries: 0 }), clientFor(b)]);
    const stream = llm.stream_chat_completions(HELLO);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const res = await stream.response;
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, "Hi there");
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["text-delta", "text-delta", "finish"],
    );
    assert.equal(res.fallbacks[0]?.kind, "server_error");
  });

  it("an error after the first streamed part is the stream's error, never a second answer", async () => {
    a.script(ssePieces([Buffer.from(frame([chunk({ content: "Hel" })], false))]));
    b.script(sse(frame([chunk({ content: "never" }, "stop")])));
    const llm = new FallbackLLM([clientFor(a, { max_retries: 0 }), clientFor(b)]);
    const stream = llm.stream_chat_completions(HELLO);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const res = await stream.response;
    assert.equal(res.status, LLMResponseStatus.ERROR);
    assert.equal(res.error?.kind, "connection");
    assert.equal(res.content, "Hel");
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["text-delta", "error"],
    );
    assert.equal(b.requests.length, 0);
  });

  it("a cooldown ends: the member is tried again", async () => {
    a.script(overloaded, json(200, claudeMessage("back")));
    b.script(json(200, completion("b")));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b)], { cooldown: { failures: 1, seconds: 0.3 } });
    assert.equal((await llm.chat_completions(HELLO)).content, "b");
    assert.equal((await llm.chat_completions(HELLO)).content, "b");
    assert.equal(a.requests.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal((await llm.chat_completions(HELLO)).content, "back");
  });

  it("the caller's abort stops the chain, with nothing further sent", async () => {
    a.script(hang());
    b.script(json(200, completion("never")));
    const llm = new FallbackLLM([claudeFor(a, { timeout: 10 }), clientFor(b)]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const res = await llm.chat_completions(HELLO, { signal: controller.signal });
    assert.equal(res.error?.kind, "aborted");
    assert.equal(b.requests.length, 0);
  });

  it("an InvalidArgumentError never falls back; fallback: false pins the first member", async () => {
    a.script(overloaded);
    b.script(json(200, completion("b")));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b)]);
    await assert.rejects(llm.chat_completions(HELLO, { seed: 1 }), InvalidArgumentError);
    assert.equal(a.requests.length + b.requests.length, 0);
    const pinned = await llm.chat_completions(HELLO, { fallback: false });
    assert.equal(pinned.error?.kind, "overloaded");
    assert.equal(b.requests.length, 0);
    await assert.rejects(clientFor(b).chat_completions(HELLO, { fallback: false }), /option of FallbackLLM/);
  });

  it("a member that cannot take the request is skipped: a video goes to Gemini", async () => {
    b.script(json(200, completion("openai cannot see video")));
    g.script(json(200, geminiAnswer([{ text: "a cat jumps" }])));
    const llm = new FallbackLLM([clientFor(b), geminiFor(g)]);
    const res = await llm.chat_completions([
      { role: "user", content: [{ type: "media", url: "https://youtu.be/abc", media_type: "video/mp4" }] },
    ]);
    assert.equal(res.content, "a cat jumps");
    assert.equal(b.requests.length, 0);
    assert.deepStrictEqual(res.fallbacks[0]?.skipped, "capability");
  });

  it("a Claude conversation with thinking and tool calls continues on OpenAI and on Gemini; the caller's history is untouched", async () => {
    const history: ChatMessage[] = [
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: "",
        thinking: [{ type: "thinking", thinking: "I should call weather.", signature: "claude-signature" }],
        tool_calls: [
          { id: "toolu_01A", tool: { name: "weather", arguments: { city: "Oslo" } }, type: "function" },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01A", content: "snow" },
    ];
    const snapshot = structuredClone(history);
    a.script(overloaded);
    b.script(json(500, { error: { message: "down", type: "server_error" } }));
    g.script(json(200, geminiAnswer([{ text: "Snow in Oslo." }])));
    const llm = new FallbackLLM([claudeFor(a), clientFor(b, { max_retries: 0 }), geminiFor(g)]);
    const res = await llm.chat_completions(history, { tools: [{ name: "weather" }] });
    assert.equal(res.content, "Snow in Oslo.");
    assert.deepStrictEqual(history, snapshot);
    const toOpenAI = JSON.stringify(b.requests[0]!.body);
    const toGemini = JSON.stringify(g.requests[0]!.body);
    for (const sent of [toOpenAI, toGemini])
      assert.ok(!sent.includes("claude-signature"), "Claude's thinking stays with Claude");
    assert.ok(toOpenAI.includes('"tool_call_id":"toolu_01A"'));
    assert.ok(toGemini.includes('"functionResponse"'));
  });

  it("run_tools keeps going across a provider outage mid-run", async () => {
    const call = completion(null);
    const choice = (call["choices"] as Array<Record<string, unknown>>)[0]!;
    choice["message"] = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "clock", arguments: "{}" } }],
    };
    choice["finish_reason"] = "tool_calls";
    b.script(json(200, call), json(503, { error: { message: "unavailable", type: "server_error" } }));
    g.script(json(200, geminiAnswer([{ text: "It is noon." }])));
    const llm = new FallbackLLM([clientFor(b, { max_retries: 0 }), geminiFor(g)]);
    const run = await llm.run_tools([{ role: "user", content: "time?" }], {
      tools: [{ name: "clock", execute: () => "12:00" }],
    });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "It is noon.");
    assert.equal(b.requests.length, 2);
    const results = (g.requests[0]!.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> })
      .contents;
    assert.deepStrictEqual(results.at(-1)!.parts[0]!["functionResponse"], {
      id: "call_1",
      name: "clock",
      response: { result: "12:00" },
    });
  });
});

describe("FallbackLLM: cooldowns shared through Redis", () => {
  let a: TestServer;
  let b: TestServer;
  let redis: RedisServer;
  before(async () => {
    [a, b, redis] = await Promise.all([TestServer.start(), TestServer.start(), RedisServer.start()]);
  });
  after(() => Promise.all([a.close(), b.close(), redis.stop()]));

  it("a member cooled by one client is skipped by another (a second process) without calling it; Redis down, each keeps its own", async () => {
    a.script(overloaded);
    b.script(json(200, completion("b")));
    const options = { redis_url: redis.url, cooldown: { failures: 1, seconds: 30 } };
    const first = new FallbackLLM([claudeFor(a, { chat_model: "claude-shared" }), clientFor(b)], options);
    assert.equal((await first.chat_completions(HELLO)).content, "b");
    assert.equal(a.requests.length, 1);
    const second = new FallbackLLM([claudeFor(a, { chat_model: "claude-shared" }), clientFor(b)], options);
    const res = await second.chat_completions(HELLO);
    assert.equal(res.content, "b");
    assert.equal(res.fallbacks[0]?.skipped, "cooldown");
    assert.equal(a.requests.length, 1, "the second client never called the dead member");
    await redis.stop();
    const third = new FallbackLLM([claudeFor(a, { chat_model: "claude-alone" }), clientFor(b)], options);
    assert.equal((await third.chat_completions(HELLO)).content, "b");
    assert.equal((await third.chat_completions(HELLO)).content, "b");
    assert.equal(
      a.requests.length,
      2,
      "without Redis the member is cooled in this client alone, after one failure",
    );
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it("4 processes share the cooldown: after the first finds the member dead, the other three never call it", async () => {
    await redis.restart();
    a.script(overloaded);
    b.script(json(200, completion("b")));
    const config = (count: number) =>
      JSON.stringify({ claude: `${a.url}/v1`, openai: `${b.url}/v1`, redisUrl: redis.url, count });
    const first = await runWorker(config(3));
    assert.deepStrictEqual(first, { openai: 3 });
    const requestsSoFar = a.requests.length;
    assert.equal(requestsSoFar, 1, "the first process called the dead member once");
    const rest = await Promise.all([runWorker(config(5)), runWorker(config(5)), runWorker(config(5))]);
    assert.deepStrictEqual(rest, [{ openai: 5 }, { openai: 5 }, { openai: 5 }]);
    assert.equal(a.requests.length, 1, "no other process called it");
  });
});

/** Runs the fallback worker as a child process; resolves with what it printed (killed after 20 s). */
function runWorker(config: string): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [WORKER, config], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (data: Buffer) => {
    stdout += data.toString();
  });
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`fallback worker exited ${code}`));
      else resolve(JSON.parse(stdout.trim()) as Record<string, number>);
    });
  });
}
