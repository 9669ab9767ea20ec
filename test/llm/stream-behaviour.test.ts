import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, type StreamPart } from "../../src/index.js";
import { clientFor, HELLO, timed } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse, ssePieces, usageChunk } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

async function collect(iterable: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}

const usage = usageChunk(9, 4);

describe("streaming", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("keeps multi-byte characters whole when split at every byte", async () => {
    const text = "héllo 👋🏽 世界";
    const bytes = Buffer.from(frame([chunk({ role: "assistant", content: text }), chunk({}, "stop"), usage]));
    server.script(ssePieces([...bytes].map((byte) => Buffer.from([byte]))));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const parts = await collect(stream);
    const response = await stream.response;
    assert.equal(response.content, text);
    assert.deepStrictEqual(parts.slice(0, 1), [{ type: "text-delta", text }]);
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [9, 4, 13]);
  });

  it("drops a leading byte-order mark, even split across reads, and keeps the first event", async () => {
    const bytes = Buffer.from(
      `\uFEFF${frame([chunk({ role: "assistant", content: "first" }), chunk({}, "stop"), usage])}`,
    );
    assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    server.script(ssePieces([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const parts = await collect(stream);
    const response = await stream.response;
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "first");
    assert.deepStrictEqual(parts[0], { type: "text-delta", text: "first" });
  });

  it("turns bytes that are not UTF-8 into U+FFFD instead of failing the stream", async () => {
    const [head, tail] = frame([
      chunk({ role: "assistant", content: "a#b" }),
      chunk({}, "stop"),
      usage,
    ]).split("#");
    // 0xff is never valid UTF-8; 0xe4 0xb8 starts a 3-byte character that never completes.
    server.script(ssePieces([Buffer.from(head!), Buffer.from([0xff, 0xe4, 0xb8]), Buffer.from(tail!)]));
    const response = await clientFor(server).stream_chat_completions(HELLO).response;
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "a\uFFFD\uFFFDb");
  });

  it("assembles parallel tool calls by index: late names, split arguments, empty arguments", async () => {
    server.script(
      sse(
        frame([
          chunk({
            role: "assistant",
            content: null,
            tool_calls: [{ index: 0, id: "call_a", type: "function", function: { arguments: "" } }],
          }),
          chunk({
            tool_calls: [
              { index: 1, id: "call_b", type: "function", function: { name: "ping", arguments: "" } },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { name: "get_weather", arguments: '{"loc' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ation":"Paris"}' } }] }),
          chunk({}, "tool_calls"),
          usage,
        ]),
      ),
    );
    const stream = clientFor(server).stream_chat_completions(HELLO, {
      tools: [{ name: "get_weather" }, { name: "ping" }],
    });
    const parts = await collect(stream);
    const response = await stream.response;
    const calls = [
      { id: "call_a", tool: { name: "get_weather", arguments: { location: "Paris" } }, type: "function" },
      { id: "call_b", tool: { name: "ping", arguments: {} }, type: "function" },
    ];
    assert.deepStrictEqual(response.tool_calls, calls);
    assert.deepStrictEqual(
      parts
        .filter((part) => part.type === "tool-call")
        .map((part) => (part as { tool_call: unknown }).tool_call),
      calls,
    );
    assert.equal(response.finish_reason, "tool_calls");
    assert.equal(response.content, "");
  });

  it("an error event mid-stream becomes a typed error, keeping the partial content", async () => {
    server.script(
      sse(
        frame(
          [
            chunk({ content: "Hel" }),
            {
              error: {
                message: "The server had an error while processing your request.",
                type: "server_error",
                code: null,
              },
            },
          ],
          false,
        ),
      ),
    );
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const parts = await collect(stream);
    const response = await stream.response;
    assert.equal(response.status, LLMResponseStatus.ERROR);
    assert.equal(response.content, "Hel");
    assert.equal(response.error?.kind, "server_error");
    assert.equal(
      response.error?.message,
      "error event in stream: The server had an error while processing your request.",
    );
    assert.deepStrictEqual(parts.at(-1), { type: "error", error: response.error });
    assert.equal(server.requests.length, 1, "no retry once a part was delivered");
  });

  it("a stream that ends with no [DONE] and no finish_reason is an error", async () => {
    server.script(sse(frame([chunk({ content: "partial" })], false)));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    await collect(stream);
    const response = await stream.response;
    assert.equal(response.error?.kind, "connection");
    assert.equal(response.error?.message, "stream ended before completion (no finish_reason and no [DONE])");
    assert.equal(response.content, "partial");
  });

  it("a stream with a finish_reason but no [DONE] succeeds", async () => {
    server.script(sse(frame([chunk({ content: "ok" }), chunk({}, "stop")], false)));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const response = await stream.response;
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "ok");
  });

  it("a stalled stream fails on the idle timeout; SSE comments are not progress", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(frame([chunk({ content: "start" })], false));
      const timer = setInterval(
        () => (response.destroyed ? clearInterval(timer) : response.write(": keep-alive\n\n")),
        50,
      );
    });
    const { result, elapsedMs } = await timed(async () => {
      const stream = clientFor(server, { timeout: 0.4 }).stream_chat_completions(HELLO);
      await collect(stream);
      return stream.response;
    });
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.message, "request exceeded the stream idle timeout of 0.4s");
    assert.equal(result.content, "start");
    assert.equal(server.requests.length, 1);
    assert.ok(elapsedMs >= 360 && elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  it("the idle limit counts from the headers: late headers, then a stall, time out a full limit later", async () => {
    server.script((_request, response) => {
      const timer = setTimeout(() => {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(frame([chunk({ content: "late" })], false));
      }, 250);
      response.on("close", () => clearTimeout(timer));
    });
    const { result, elapsedMs } = await timed(async () => {
      const stream = clientFor(server, { timeout: 0.4 }).stream_chat_completions(HELLO);
      await collect(stream);
      return stream.response;
    });
    assert.equal(result.error?.message, "request exceeded the stream idle timeout of 0.4s");
    assert.equal(result.content, "late");
    // 250 ms to the headers, then 400 ms of silence: not the 400 ms since the request was sent.
    assert.ok(elapsedMs >= 610 && elapsedMs < 3000, `took ${elapsedMs} ms`);
  });

  it("a slow stream that keeps delivering events is not timed out", async () => {
    const pieces = Array.from({ length: 8 }, (_, index) =>
      Buffer.from(frame([chunk({ content: `${index}` })], false)),
    );
    pieces.push(Buffer.from(frame([chunk({}, "stop")])));
    server.script((request, response, incoming) => {
      let index = 0;
      response.writeHead(200, { "content-type": "text/event-stream" });
      const timer = setInterval(() => {
        const piece = pieces[index++];
        if (piece === undefined || response.destroyed) {
          clearInterval(timer);
          response.end();
          return;
        }
        response.write(piece);
      }, 100);
      void request;
      void incoming;
    });
    const stream = clientFor(server, { timeout: 0.3 }).stream_chat_completions(HELLO);
    const response = await stream.response;
    assert.equal(response.status, LLMResponseStatus.SUCCESS, response.error?.message);
    assert.equal(response.content, "01234567");
  });

  it("a failure before any part is retried", async () => {
    server.script(
      json(503, { error: { message: "overloaded" } }),
      sse(frame([chunk({ content: "second try" }), chunk({}, "stop")])),
    );
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const response = await stream.response;
    assert.equal(response.content, "second try");
    assert.equal(server.requests.length, 2);
  });

  it("a connection cut after a part is not retried, and keeps what arrived", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(frame([chunk({ content: "half" })], false), () =>
        setTimeout(() => response.socket?.destroy(), 20),
      );
    });
    const stream = clientFor(server).stream_chat_completions(HELLO);
    await collect(stream);
    const response = await stream.response;
    assert.equal(response.error?.kind, "connection");
    assert.equal(response.content, "half");
    assert.equal(server.requests.length, 1);
  });

  it("aborting mid-stream resolves as aborted with the content so far", async () => {
    server.script(sse(frame([chunk({ content: "so far" })], false), { stall: true }));
    const controller = new AbortController();
    const stream = clientFor(server).stream_chat_completions(HELLO, { signal: controller.signal });
    for await (const part of stream) {
      if (part.type === "text-delta") controller.abort();
    }
    const response = await stream.response;
    assert.equal(response.error?.kind, "aborted");
    assert.equal(response.content, "so far");
    // The server sent no usage before the abort: estimated from what arrived, and said so.
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [8, 2, 10]);
    assert.deepStrictEqual(response.warnings, [
      "usage estimated: the stream ended before the server sent usage; 8 prompt and 2 completion tokens counted locally",
    ]);
  });

  it("leaving the loop early cancels the request", async () => {
    server.script(sse(frame([chunk({ content: "a" }), chunk({ content: "b" })], false), { stall: true }));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    for await (const part of stream) {
      if (part.type === "text-delta") break;
    }
    const { result, elapsedMs } = await timed(() => stream.response);
    assert.equal(result.error?.kind, "aborted");
    assert.ok(elapsedMs < 500);
  });

  it("a server that ignores stream: true and sends JSON still works", async () => {
    server.script(json(200, completion("whole answer")));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const parts = await collect(stream);
    assert.equal((await stream.response).content, "whole answer");
    assert.deepStrictEqual(parts[0], { type: "text-delta", text: "whole answer" });
  });

  it("a non-JSON data event is invalid_response", async () => {
    server.script(sse("data: {not json\n\n"));
    const response = await clientFor(server).stream_chat_completions(HELLO).response;
    assert.equal(response.error?.kind, "invalid_response");
  });

  it("an HTTP error before the stream is classified as usual", async () => {
    server.script(json(401, { error: { message: "Incorrect API key provided", code: "invalid_api_key" } }));
    const response = await clientFor(server).stream_chat_completions(HELLO).response;
    assert.equal(response.error?.kind, "authentication");
    assert.equal(response.error?.attempts, 1);
  });

  it("response resolves even when nobody iterates", async () => {
    server.script(sse(frame([chunk({ content: "x" }), chunk({}, "stop")])));
    const response = await clientFor(server).stream_chat_completions(HELLO).response;
    assert.equal(response.content, "x");
  });

  it("an HTML page with 200 is invalid_response and the connection is released", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.write("<html>");
    });
    const { result, elapsedMs } = await timed(
      () => clientFor(server, { timeout: 5 }).stream_chat_completions(HELLO).response,
    );
    assert.equal(result.error?.kind, "invalid_response");
    assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
  });

  it("a stream over max_response_bytes is response_too_large", async () => {
    const pieces = Array.from({ length: 200 }, (_, index) =>
      Buffer.from(frame([chunk({ content: `${index} ${"x".repeat(100)}` })], false)),
    );
    server.script(ssePieces(pieces));
    const result = await clientFor(server, { max_response_bytes: 4096 }).stream_chat_completions(HELLO)
      .response;
    assert.equal(result.error?.kind, "response_too_large");
    assert.ok(result.content.length > 0 && result.content.length < 4096);
  });

  it("bounds a stream that keeps delivering", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      let index = 0;
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        response.write(frame([chunk({ content: `${index++} ` })], false));
      }, 50);
    });
    const { result, elapsedMs } = await timed(
      () => clientFor(server, { timeout: 5 }).stream_chat_completions(HELLO, { total_timeout: 0.5 }).response,
    );
    assert.equal(result.error?.kind, "timeout");
    assert.equal(result.error?.message, "request exceeded the total_timeout");
    assert.ok(result.content.length > 0);
    assert.ok(elapsedMs >= 450 && elapsedMs < 2000, `took ${elapsedMs} ms`);
  });
});
