import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { InvalidArgumentError, LLMResponseStatus, type StreamPart } from "../../src/index.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { chunk, frame, sse, usageChunk } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const usage = usageChunk(9, 3);
const ANSWER = frame([
  chunk({ role: "assistant", content: "" }),
  chunk({ content: "one " }),
  chunk({ content: "two " }),
  chunk({ content: "three" }),
  chunk({}, "stop"),
  usage,
]);
const PARTS: StreamPart[] = [
  { type: "text-delta", text: "one " },
  { type: "text-delta", text: "two " },
  { type: "text-delta", text: "three" },
  { type: "finish", finish_reason: "stop", send_tokens: 9, recv_tokens: 3, total_tokens: 12 },
];

describe("ChatStream.for_each", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("gives every part in order, then resolves with the stream's response", async () => {
    server.script(sse(ANSWER));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const parts: StreamPart[] = [];
    const response = await stream.for_each((part) => parts.push(part));
    assert.deepStrictEqual(parts, PARTS);
    assert.equal(response, await stream.response);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "one two three");
  });

  it("gives the parts that arrived before it was called, then the rest", async () => {
    server.script(sse(ANSWER));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    await stream.response;
    const parts: StreamPart[] = [];
    const response = await stream.for_each((part) => parts.push(part));
    assert.deepStrictEqual(parts, PARTS);
    assert.equal(response.content, "one two three");
  });

  it("a callback that throws aborts the request, gets no further part, and its error is rethrown", async () => {
    server.script(
      sse(frame([chunk({ content: "first" }), chunk({ content: "second" })], false), { stall: true }),
    );
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const seen: StreamPart[] = [];
    const bug = new RangeError("a bug in the caller's callback");
    await assert.rejects(
      stream.for_each((part) => {
        seen.push(part);
        throw bug;
      }),
      (error) => error === bug,
    );
    assert.deepStrictEqual(seen, [{ type: "text-delta", text: "first" }]);
    const response = await stream.response;
    assert.equal(response.error?.kind, "aborted");
    // What arrived stays in the response, though the callback was given only the first part.
    assert.equal(response.content, "firstsecond");
  });

  it("a promise the callback returns is not awaited per part, but for_each waits for all of them", async () => {
    server.script(sse(ANSWER));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const started: string[] = [];
    const done: string[] = [];
    const response = await stream.for_each(async (part) => {
      // How many earlier callbacks had finished when this part was given.
      started.push(`${part.type} after ${done.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      done.push(part.type);
    });
    // Every part was given before the first callback's promise settled, and all had settled by now.
    assert.deepStrictEqual(started, [
      "text-delta after 0",
      "text-delta after 0",
      "text-delta after 0",
      "finish after 0",
    ]);
    assert.deepStrictEqual(done, ["text-delta", "text-delta", "text-delta", "finish"]);
    assert.equal(response.content, "one two three");
  });

  it("a promise the callback returns that rejects counts as a throw: the request aborts, for_each rejects", async () => {
    server.script(
      sse(frame([chunk({ content: "first" }), chunk({ content: "second" })], false), { stall: true }),
    );
    const stream = clientFor(server).stream_chat_completions(HELLO);
    const failure = new Error("the socket to the browser closed");
    await assert.rejects(
      stream.for_each(async () => {
        throw failure;
      }),
      (error) => error === failure,
    );
    // The stream stalled after its second part: only the abort could end it.
    const response = await stream.response;
    assert.equal(response.error?.kind, "aborted");
    assert.equal(response.content, "firstsecond");
  });

  it("a stream is read once: for_each and for await refuse a second reader", async () => {
    server.script(sse(ANSWER));
    const llm = clientFor(server);
    const first = llm.stream_chat_completions(HELLO);
    await first.for_each(() => {});
    assert.throws(() => first[Symbol.asyncIterator](), {
      name: "TypeError",
      message: "a ChatStream can be read only once",
    });
    const second = llm.stream_chat_completions(HELLO);
    second[Symbol.asyncIterator]();
    assert.throws(() => second.for_each(() => {}), {
      name: "TypeError",
      message: "a ChatStream can be read only once",
    });
    second.abort();
    await second.response;
  });

  it("refuses a callback that is not a function", async () => {
    server.script(sse(ANSWER));
    const stream = clientFor(server).stream_chat_completions(HELLO);
    assert.throws(
      () => stream.for_each("print" as unknown as (part: StreamPart) => void),
      (error) =>
        error instanceof InvalidArgumentError &&
        error.message === "Invalid argument onPart: must be a function",
    );
    stream.abort();
    assert.equal((await stream.response).error?.kind, "aborted");
  });

  it("the caller's signal aborts a stream read with for_each, with the signal's reason", async () => {
    server.script(sse(frame([chunk({ content: "so far" })], false), { stall: true }));
    const controller = new AbortController();
    const stream = clientFor(server).stream_chat_completions(HELLO, { signal: controller.signal });
    const reason = new Error("the user closed the tab");
    const response = await stream.for_each((part) => {
      if (part.type === "text-delta") controller.abort(reason);
    });
    assert.equal(response.error?.kind, "aborted");
    assert.equal(response.error?.message, "request aborted by the caller");
    assert.equal(response.error?.cause, reason);
    assert.equal(response.content, "so far");
  });

  it("a signal aborted before the call sends nothing", async () => {
    server.script(sse(ANSWER));
    const controller = new AbortController();
    controller.abort();
    const parts: StreamPart[] = [];
    const response = await clientFor(server)
      .stream_chat_completions(HELLO, { signal: controller.signal })
      .for_each((part) => parts.push(part));
    assert.equal(response.error?.kind, "aborted");
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["error"],
    );
    assert.equal(server.requests.length, 0);
  });

  it("a finished stream leaves no listener on a long-lived caller signal", async () => {
    server.script(sse(ANSWER));
    const controller = new AbortController();
    const llm = clientFor(server);
    for (let index = 0; index < 3; index += 1) {
      const response = await llm
        .stream_chat_completions(HELLO, { signal: controller.signal })
        .for_each(() => {});
      assert.equal(response.content, "one two three");
    }
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });
});
