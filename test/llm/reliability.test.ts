import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  AnthropicAIConfig,
  InvalidArgumentError,
  LLMResponseStatus,
  type RunnableTool,
} from "../../src/index.js";
import { claudeFor, claudeMessage } from "../helpers/claude.js";
import { geminiFor } from "../helpers/gemini.js";
import { LocalRateBudget } from "../../src/budgets/local-rate-budget.js";
import { clientFor, HELLO, TEST_KEY, timed } from "../helpers/client.js";
import { completion, delayed, hang, json, ok, raw } from "../helpers/handlers.js";
import { chunk, frame, sse, usageChunk } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

/** Rejects if `promise` has not settled within `ms` (a hang is a failure, not a stuck suite). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * A TCP listener whose connections never complete a TLS handshake: `https://` to it hangs in the
 * connect phase (TCP is accepted, the TLS server hello never comes), as a black-holed host does.
 */
class HandshakeHole {
  readonly sockets = new Set<Socket>();
  closedSockets = 0;
  readonly #server: Server;
  url = "";

  constructor() {
    this.#server = createServer((socket) => {
      this.sockets.add(socket);
      // Read (and drop) the client hello, so the client closing the socket is seen.
      socket.resume();
      socket.on("error", () => {});
      socket.on("close", () => {
        this.sockets.delete(socket);
        this.closedSockets += 1;
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    this.url = `https://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe("every limit holds while a connection is being opened", () => {
  const hole = new HandshakeHole();
  before(() => hole.start());
  after(() => hole.close());

  it("the caller's abort ends chat_completions during the connect, and the socket is closed", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const client = clientFor(hole.url, { timeout: 30, max_retries: 0 });
    const result = await within(client.chat_completions(HELLO, { signal: controller.signal }), 3000, "abort");
    assert.equal(result.error?.kind, "aborted");
    await within(
      (async () => {
        for (let tries = 0; tries < 100 && hole.sockets.size > 0; tries += 1)
          await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(hole.sockets.size, 0, "the half-open connection was closed");
      })(),
      3000,
      "socket close",
    );
  });

  it("timeout and total_timeout end a call stuck in the connect, for chat_completions and streams", async () => {
    const client = clientFor(hole.url, { timeout: 0.5, max_retries: 0 });
    const timedOut = await within(client.chat_completions(HELLO), 3000, "timeout");
    assert.equal(timedOut.error?.kind, "timeout");
    assert.equal(timedOut.error?.message, "request exceeded the timeout of 0.5s");

    const bounded = clientFor(hole.url, { timeout: 30, total_timeout: 0.6, max_retries: 3 });
    const whole = await within(bounded.chat_completions(HELLO), 3000, "total_timeout");
    assert.equal(whole.error?.kind, "timeout");

    const streamed = await within(
      clientFor(hole.url, { timeout: 0.5, max_retries: 0 }).stream_chat_completions(HELLO).response,
      3000,
      "stream",
    );
    assert.equal(streamed.error?.kind, "timeout");
  });
});

describe("one long 429 does not freeze the process", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("after a 429 asking for an hour, later calls on the same key and model fail at once with nothing sent", async () => {
    server.script(
      json(
        429,
        { error: { message: "slow down", type: "requests", code: "rate_limit_exceeded" } },
        { "retry-after": "3600" },
      ),
      ok(),
    );
    // Pacing on (the default), a model of its own so no other test's budget is involved.
    const options = { rate_limit: "auto", chat_model: "gpt-4o-mini-long-429" } as const;
    const first = await within(clientFor(server, options).chat_completions(HELLO), 3000, "first call");
    assert.equal(first.error?.kind, "rate_limit");
    const later = await within(clientFor(server, options).chat_completions(HELLO), 3000, "later call");
    assert.equal(later.error?.kind, "rate_limit");
    assert.match(later.error?.message ?? "", /longer than max_retry_after_ms \(60000 ms\); nothing was sent/);
    const stream = await within(
      clientFor(server, options).stream_chat_completions(HELLO).response,
      3000,
      "later stream",
    );
    assert.equal(stream.error?.kind, "rate_limit");
    assert.equal(server.requests.length, 1, "only the first call reached the server");
  });

  it("the budget refuses a queued waiter the pause would hold past its max wait", async () => {
    const budget = new LocalRateBudget({ requests_per_minute: 60 });
    budget.limited(3_600_000);
    await assert.rejects(
      within(budget.acquire({ promptTokens: 1, maxTokens: 1, maxWaitMs: 60_000 }), 1000, "acquire"),
      (error: Error & { kind?: string }) => error.kind === "rate_limit",
    );
  });
});

describe("a stream ends at its terminal event, not when the socket closes", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("[DONE] on a connection the server leaves open finishes the stream at once", async () => {
    server.script(
      sse(frame([chunk({ content: "Hi" }), chunk({}, "stop"), usageChunk(3, 1)]), { stall: true }),
    );
    const stream = clientFor(server, { timeout: 20 }).stream_chat_completions(HELLO);
    const { result, elapsedMs } = await timed(() => within(stream.response, 5000, "stream"));
    assert.equal(result.status, LLMResponseStatus.SUCCESS);
    assert.equal(result.content, "Hi");
    assert.ok(elapsedMs < 5000);
  });

  it("a finish reason and usage without [DONE] is the whole answer, not an idle timeout", async () => {
    server.script(
      sse(frame([chunk({ content: "Whole" }), chunk({}, "stop"), usageChunk(3, 1)], false), { stall: true }),
    );
    const stream = clientFor(server, { timeout: 20 }).stream_chat_completions(HELLO);
    const result = await within(stream.response, 5000, "stream");
    assert.equal(result.status, LLMResponseStatus.SUCCESS);
    assert.equal(result.content, "Whole");
    assert.equal(result.total_tokens, 4);
  });
});

describe("time is measured on a monotonic clock: a wall-clock step changes nothing", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const realNow = Date.now;
  const stepClock = (byMs: number) => {
    Date.now = () => realNow.call(Date) + byMs;
  };
  after(() => {
    Date.now = realNow;
  });

  it("pacing goes on when the clock steps back an hour", async () => {
    const budget = new LocalRateBudget({ requests_per_minute: 600 });
    for (let index = 0; index < 600; index += 1)
      budget.grantNow({ promptTokens: 0, maxTokens: 0 }) ??
        (await budget.acquire({ promptTokens: 0, maxTokens: 0 }));
    stepClock(-3_600_000);
    try {
      const reservation = await within(budget.acquire({ promptTokens: 0, maxTokens: 0 }), 2000, "acquire");
      reservation.settle(0);
    } finally {
      Date.now = realNow;
    }
  });

  it("an attempt's timeout fires on time when the clock steps back an hour mid-call", async () => {
    server.script(hang());
    setTimeout(() => stepClock(-3_600_000), 100);
    try {
      const result = await within(
        clientFor(server, { timeout: 0.5, max_retries: 0 }).chat_completions(HELLO),
        3000,
        "call",
      );
      assert.equal(result.error?.kind, "timeout");
    } finally {
      Date.now = realNow;
    }
  });

  it("total_timeout holds when the clock steps back mid-call", async () => {
    server.script(hang());
    setTimeout(() => stepClock(-30_000), 100);
    try {
      const result = await within(
        clientFor(server, { timeout: 0.4, total_timeout: 1, max_retries: 5 }).chat_completions(HELLO),
        3000,
        "call",
      );
      assert.equal(result.error?.kind, "timeout");
    } finally {
      Date.now = realNow;
    }
  });
});

describe("run_tools: a hook that throws ends the run as a failed result", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  function calling(...names: string[]) {
    const answer = completion(null);
    const choices = answer["choices"] as Array<Record<string, unknown>>;
    choices[0]!["message"] = {
      role: "assistant",
      content: null,
      tool_calls: names.map((name, index) => ({
        id: `call_${index}`,
        type: "function",
        function: { name, arguments: "{}" },
      })),
    };
    choices[0]!["finish_reason"] = "tool_calls";
    return json(200, answer);
  }

  it("approve throwing while another tool runs: the result resolves, the running tool is aborted first", async () => {
    let sawAbort = false;
    let sideEffect = false;
    const slow: RunnableTool = {
      name: "slow",
      execute: (_args, { signal }) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => {
            sideEffect = true;
            resolve("done");
          }, 500);
          signal.addEventListener("abort", () => {
            sawAbort = true;
            clearTimeout(timer);
            resolve("stopped");
          });
        }),
    };
    const gated: RunnableTool = { name: "gated", execute: () => "ran" };
    server.script(calling("slow", "gated"), ok("never"));
    const run = await within(
      clientFor(server).run_tools(HELLO, {
        tools: [slow, gated],
        approve: async (call) => {
          if (call.tool.name !== "gated") return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw new Error(`policy service down (key ${TEST_KEY})`);
        },
      }),
      3000,
      "run",
    );
    assert.equal(run.status, LLMResponseStatus.ERROR);
    assert.equal(run.error?.kind, "hook_error");
    assert.equal(run.error?.message, "approve threw: policy service down (key [redacted])");
    assert.ok(sawAbort, "the running tool's signal fired");
    assert.equal(sideEffect, false);
    assert.equal(server.requests.length, 1, "no model call after the hook threw");
  });

  it("on_step throwing ends the run as a failed result", async () => {
    server.script(ok("answer"));
    const run = await clientFor(server).run_tools(HELLO, {
      tools: [{ name: "noop", execute: () => "" }],
      on_step: () => {
        throw new Error("log sink full");
      },
    });
    assert.equal(run.error?.kind, "hook_error");
    assert.equal(run.error?.message, "on_step threw: log sink full");
  });

  it("a tool that throws a plain object reports its JSON; one stopped by total_timeout says so", async () => {
    server.script(calling("thrower", "sleeper"), ok("done"));
    const run = await clientFor(server).run_tools(HELLO, {
      tools: [
        {
          name: "thrower",
          execute: () => {
            throw { code: "E_LOCKED", detail: "file locked" };
          },
        },
        {
          name: "sleeper",
          execute: (_args, { signal }) =>
            new Promise((resolve) => signal.addEventListener("abort", () => resolve(""))),
        },
      ],
      total_timeout: 0.4,
    });
    const results = run.steps[0]?.tool_calls.map((call) => call.result);
    assert.deepEqual(results, [
      'Error: {"code":"E_LOCKED","detail":"file locked"}',
      "Error: stopped by the run's total_timeout (0.4 s)",
    ]);
  });
});

describe("smaller faults", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a key with spaces around it is sent trimmed", async () => {
    server.script(ok());
    await clientFor(server, { api_key: `  ${TEST_KEY} \t` }).chat_completions(HELLO);
    assert.equal(server.requests[0]?.headers["authorization"], `Bearer ${TEST_KEY}`);
  });

  it("ANTHROPIC_BASE_URL that already ends in /v1 does not become /v1/v1", () => {
    const config = new AnthropicAIConfig(
      {},
      { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "http://127.0.0.1:9/v1/" },
    );
    assert.equal(config.api_base, "http://127.0.0.1:9/v1");
  });

  it("one AbortSignal shared by 30 concurrent calls holds one listener and prints no warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      server.script(delayed(100, ok()));
      const controller = new AbortController();
      const client = clientFor(server);
      const calls = Array.from({ length: 30 }, () =>
        client.chat_completions(HELLO, { signal: controller.signal }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(getEventListeners(controller.signal, "abort").length, 1);
      const results = await Promise.all(calls);
      assert.ok(results.every((result) => result.status === LLMResponseStatus.SUCCESS));
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("one message, one behaviour on every provider", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a conversation of only system messages, and an empty assistant turn, are refused the same way by all three", async () => {
    const clients = [clientFor(server), claudeFor(server), geminiFor(server)];
    for (const llm of clients) {
      await assert.rejects(
        llm.chat_completions([{ role: "system", content: "You are terse." }]),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.argument === "messages" &&
          /needs a user message/.test(error.message),
        llm.config.llm_type,
      );
      await assert.rejects(
        llm.chat_completions([
          { role: "user", content: "hi" },
          { role: "assistant", content: "" },
          { role: "user", content: "again" },
        ]),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.argument === "messages[1].content" &&
          /an assistant turn needs text or tool calls/.test(error.message),
        llm.config.llm_type,
      );
    }
    assert.equal(server.requests.length, 0);
  });
});

describe("streams answered with one JSON body, or with content that is not text", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a Claude stream answered with one JSON message (a proxy ignoring stream: true) gives that answer", async () => {
    server.script(json(200, claudeMessage("whole answer", { input_tokens: 4, output_tokens: 2 })));
    const stream = claudeFor(server).stream_chat_completions(HELLO);
    const parts: string[] = [];
    for await (const part of stream) parts.push(part.type);
    const res = await stream.response;
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, "whole answer");
    assert.equal(res.total_tokens, 6);
    assert.deepStrictEqual(parts, ["text-delta", "finish"]);
  });

  it("a JSON answer sent as text/plain to an OpenAI stream is read as the answer, not retried as a cut stream", async () => {
    server.script(raw(200, JSON.stringify(completion("plain json")), { "content-type": "text/plain" }));
    const res = await clientFor(server, { max_retries: 3 }).stream_chat_completions(HELLO).response;
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, "plain json");
    assert.equal(server.requests.length, 1);
  });

  it("content: 42 is invalid_response on a stream, as without one", async () => {
    server.script(sse(frame([chunk({ content: 42 }, "stop")])));
    const res = await clientFor(server, { max_retries: 0 }).stream_chat_completions(HELLO).response;
    assert.equal(res.error?.kind, "invalid_response");
    assert.match(res.error?.message ?? "", /delta.content is a number/);
  });
});

describe("a timed-out call to a model that thinks long says what to do", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("o3 timing out warns that each timed-out attempt is retried and billed; gpt-4o-mini does not", async () => {
    server.script(hang());
    const reasoning = await clientFor(server, {
      chat_model: "o3",
      timeout: 0.3,
      max_retries: 0,
    }).chat_completions(HELLO);
    assert.equal(reasoning.error?.kind, "timeout");
    assert.ok(
      reasoning.warnings.includes(
        "o3 may think longer than timeout (0.3 s) allows; each timed-out attempt is retried and billed: raise timeout, or stream (a stream's timeout is an idle limit)",
      ),
      reasoning.warnings.join("\n"),
    );
    const plain = await clientFor(server, { timeout: 0.3, max_retries: 0 }).chat_completions(HELLO);
    assert.equal(plain.error?.kind, "timeout");
    assert.ok(!plain.warnings.some((warning) => warning.includes("may think longer")));
  });
});
