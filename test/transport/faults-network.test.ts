import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../../src/index.js";
import { clientFor, HELLO, timed } from "../helpers/client.js";
import { completion, delayed, hang, headersThenStall, json, ok, reset } from "../helpers/handlers.js";
import { TestServer, useTestServer } from "../helpers/test-server.js";

function cutBody(): Parameters<TestServer["script"]>[0] {
  return (_request, response) => {
    const body = JSON.stringify(completion("this will be cut"));
    response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    response.write(body.slice(0, 20));
    setTimeout(() => response.socket?.destroy(), 20);
  };
}

describe("fault injection: time, connections and aborts", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a server that never answers times out on every attempt", async () => {
    server.script(hang());
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { timeout: 0.3, max_retries: 1 }).chat_completions(HELLO),
    );
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.message, "request exceeded the timeout of 0.3s");
    assert.equal(result.error?.attempts, 2);
    assert.equal(server.requests.length, 2);
    assert.ok(elapsedMs >= 550 && elapsedMs < 3000, `took ${elapsedMs} ms`);
  });

  it("headers then a stalled body: the timeout covers the body too", async () => {
    server.script(headersThenStall());
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { timeout: 0.3, max_retries: 0 }).chat_completions(HELLO),
    );
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.attempts, 1);
    assert.ok(elapsedMs >= 270 && elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  it("a slow trickle of body past the timeout is a timeout", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(" ")), 50);
    });
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { timeout: 0.4, max_retries: 0 }).chat_completions(HELLO),
    );
    assert.equal(result.error?.kind, "timeout");
    assert.ok(elapsedMs >= 360 && elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  it("connection refused is a retried connection error", async () => {
    const closed = await TestServer.start();
    const url = closed.url;
    await closed.close();
    const { result, elapsedMs } = await timed(() => clientFor(url).chat_completions(HELLO));
    assert.equal(result.error?.kind, "connection");
    assert.match(result.error?.message ?? "", /ECONNREFUSED/);
    assert.equal(result.error?.attempts, 3);
    assert.equal(result.error?.retryable, true);
    assert.ok(elapsedMs < 3000);
  });

  it("a connection reset after the request is retried", async () => {
    server.script(reset(), ok("after reset"));
    const result = await clientFor(server).chat_completions(HELLO);
    assert.equal(result.content, "after reset");
    assert.equal(server.requests.length, 2);
  });

  it("a reset on every attempt is a connection error", async () => {
    server.script(reset());
    const result = await clientFor(server).chat_completions(HELLO);
    assert.equal(result.error?.kind, "connection");
    assert.equal(result.error?.attempts, 3);
  });

  it("a body cut mid-way is a connection error, retried", async () => {
    server.script(cutBody(), ok("whole"));
    const result = await clientFor(server).chat_completions(HELLO);
    assert.equal(result.content, "whole");
    assert.equal(server.requests.length, 2);
  });

  it("an abort before the call sends nothing", async () => {
    server.script(ok());
    const result = await clientFor(server).chat_completions(HELLO, { signal: AbortSignal.abort() });
    assert.equal(result.status, LLMResponseStatus.ERROR);
    assert.equal(result.error?.kind, "aborted");
    assert.equal(result.error?.attempts, 0);
    assert.equal(server.requests.length, 0);
  });

  it("an abort during the request settles within a few ms", async () => {
    server.script(hang());
    const controller = new AbortController();
    const pending = timed(() => clientFor(server).chat_completions(HELLO, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abortedAt = performance.now();
    controller.abort();
    const { result } = await pending;
    const settleMs = performance.now() - abortedAt;
    assert.equal(result.error?.kind, "aborted");
    assert.equal(result.error?.attempts, 1);
    assert.ok(settleMs < 100, `settled ${settleMs} ms after abort`);
  });

  it("an abort during a backoff wait sends no further request", async () => {
    server.script(json(500, { error: { message: "down" } }, { "retry-after": "5" }));
    const controller = new AbortController();
    const pending = timed(() => clientFor(server).chat_completions(HELLO, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const { result, elapsedMs } = await pending;
    assert.equal(result.error?.kind, "aborted");
    assert.equal(result.error?.attempts, 1);
    assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.requests.length, 1);
  });

  it("one signal reused for 100 calls leaves no listener behind", async () => {
    server.script(ok("fine"));
    const controller = new AbortController();
    const llm = clientFor(server);
    for (let index = 0; index < 100; index += 1) {
      const result = await llm.chat_completions(HELLO, { signal: controller.signal });
      assert.equal(result.content, "fine");
    }
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    server.script(json(500, { error: { message: "x" } }));
    await llm.chat_completions(HELLO, { signal: controller.signal });
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  it("total_timeout bounds the whole call, retries included", async () => {
    server.script(hang());
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { timeout: 10, max_retries: 5 }).chat_completions(HELLO, { total_timeout: 0.5 }),
    );
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.message, "request exceeded the total_timeout");
    assert.ok(elapsedMs >= 450 && elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  it("a retry-after that would pass total_timeout fails at once with the rate limit", async () => {
    server.script(
      json(429, { error: { code: "rate_limit_exceeded", message: "slow down" } }, { "retry-after": "3" }),
    );
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { total_timeout: 1 }).chat_completions(HELLO),
    );
    assert.equal(result.error?.kind, "rate_limit");
    assert.equal(result.error?.retry_after_ms, 3000);
    assert.equal(result.error?.attempts, 1);
    assert.ok(elapsedMs < 800, `took ${elapsedMs} ms`);
  });

  it("a per-call timeout overrides the config", async () => {
    server.script(delayed(400, ok("late")));
    const result = await clientFor(server, { timeout: 5, max_retries: 0 }).chat_completions(HELLO, {
      timeout: 0.1,
    });
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.message, "request exceeded the timeout of 0.1s");
  });

  it("the process exits on its own after calls settle, whatever their outcome", async () => {
    server.script(ok("bye"), hang());
    const script = `
      const { OpenAI } = await import(${JSON.stringify(new URL("../../src/index.js", import.meta.url).href)});
      const llm = new OpenAI({ api_key: "sk-child-000000", api_base: process.env.BASE, timeout: 0.3, max_retries: 0, rate_limit: false });
      const first = await llm.chat_completions([{ role: "user", content: "hi" }], { signal: new AbortController().signal });
      const second = await llm.chat_completions([{ role: "user", content: "hi" }]);
      console.log(first.content, second.error.kind);
    `;
    const started = performance.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, BASE: `${server.url}/v1` },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill("SIGKILL"), 8000);
      child.on("exit", (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    assert.equal(code, 0);
    assert.equal(stdout.trim(), "bye timeout");
    assert.ok(performance.now() - started < 5000);
  });
});
