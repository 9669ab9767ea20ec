import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, type StreamPart } from "../../src/index.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

async function drain(iterable: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}
const good = sse(frame([chunk({ role: "assistant", content: "fine" }), chunk({}, "stop")]));
const errorEvent = (error: Record<string, unknown>) => sse(`data: ${JSON.stringify({ error })}\n\n`);

describe("errors inside a 200 stream", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  async function run(maxRetries = 1) {
    const stream = clientFor(server, { max_retries: maxRetries }).stream_chat_completions(HELLO);
    const parts = await drain(stream);
    return { parts, response: await stream.response };
  }

  // openai-node's streaming tests and OpenAI's own outages: `data: {"error": ...}` as the first event.
  it("a server_error event before any part is retried like a 500", async () => {
    server.script(
      errorEvent({ message: "The server had an error while processing your request.", type: "server_error" }),
      good,
    );
    const { response } = await run();
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "fine");
    assert.equal(server.requests.length, 2);
    assert.equal(response.attempts, 2);
  });

  it("a server_error event on every attempt fails as a retryable server_error after max_retries", async () => {
    server.script(errorEvent({ message: "The server had an error.", type: "server_error", code: null }));
    const { response, parts } = await run();
    assert.equal(response.error?.kind, "server_error");
    assert.equal(response.error?.retryable, true);
    assert.equal(response.error?.message, "error event in stream: The server had an error.");
    assert.equal(response.error?.attempts, 2);
    assert.deepStrictEqual(parts, [{ type: "error", error: response.error }]);
  });

  // Gateways (LiteLLM) forward a provider's rate limit as an in-stream error.
  it("an in-stream rate_limit_exceeded is a retryable rate_limit", async () => {
    server.script(errorEvent({ message: "Rate limit reached", code: "rate_limit_exceeded" }), good);
    const { response } = await run();
    assert.equal(response.content, "fine");
    assert.equal(server.requests.length, 2);
  });

  it("an empty 200 stream is a retryable connection error", async () => {
    server.script(sse(""), good);
    const { response } = await run();
    assert.equal(response.content, "fine");
    assert.equal(server.requests.length, 2);
    server.script(sse(""));
    const failed = await run();
    assert.equal(failed.response.error?.kind, "connection");
    assert.equal(failed.response.error?.attempts, 2);
  });

  it("a numeric code is the status: code 400 is a bad_request, never retried", async () => {
    server.script(errorEvent({ message: "Invalid 'messages[0].content'", code: 400 }));
    const { response } = await run();
    assert.equal(response.error?.kind, "bad_request");
    assert.equal(response.error?.retryable, false);
    assert.equal(response.error?.code, "400");
    assert.equal(server.requests.length, 1);
  });

  it("codes match case-insensitively: CONTEXT_LENGTH_EXCEEDED", async () => {
    server.script(
      errorEvent({ message: "Input is too long for this model", code: "CONTEXT_LENGTH_EXCEEDED" }),
    );
    const { response } = await run();
    assert.equal(response.error?.kind, "context_length_exceeded");
    assert.equal(
      response.error?.message,
      "error event in stream: CONTEXT_LENGTH_EXCEEDED: Input is too long for this model",
    );
    assert.equal(server.requests.length, 1);
  });

  // Anthropic-style gateways send a flat `event: error` frame with the error as its data.
  it("a flat event: error frame keeps the provider's message and is classified", async () => {
    server.script(
      sse('event: error\ndata: {"type": "overloaded_error", "message": "Overloaded"}\n\n'),
      sse("event: error\ndata: upstream went away\n\n"),
    );
    const { response } = await run(1);
    assert.equal(response.error?.kind, "server_error");
    assert.equal(response.error?.message, "error event in stream: upstream went away");
    assert.equal(response.error?.attempts, 2, "the first (Overloaded) was retried");
  });

  it("an error event after text was delivered is not retried, and keeps the text", async () => {
    server.script(
      sse(
        `${frame([chunk({ content: "Hel" })], false)}data: ${JSON.stringify({ error: { message: "boom", type: "server_error" } })}\n\n`,
      ),
    );
    const { response } = await run(2);
    assert.equal(response.content, "Hel");
    assert.equal(response.error?.kind, "server_error");
    assert.equal(server.requests.length, 1);
  });
});

describe("malformed events and late chunks", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  async function run() {
    const stream = clientFor(server, { max_retries: 0 }).stream_chat_completions(HELLO);
    await drain(stream);
    return stream.response;
  }

  it("a malformed data line and [DONE] in one network read fail the stream, as with gaps", async () => {
    server.script(sse("data: {not json}\n\ndata: [DONE]\n\n"));
    const response = await run();
    assert.equal(response.status, LLMResponseStatus.ERROR);
    assert.equal(response.error?.kind, "invalid_response");
    assert.equal(response.error?.message, 'stream event is not JSON: "{not json}"');
  });

  it("a good chunk, a broken one and [DONE] in one read: the error, with the good chunk's text", async () => {
    server.script(
      sse(`${frame([chunk({ content: "kept" })], false)}data: {"choices": [\n\ndata: [DONE]\n\n`),
    );
    const response = await run();
    assert.equal(response.error?.kind, "invalid_response");
    assert.equal(response.content, "kept");
  });

  // Azure OpenAI sends a last chunk after finish_reason with `id: ""`, `model: ""` and
  // content-filter results (Azure OpenAI docs, "content filtering" streaming examples).
  it("Azure's trailing content-filter chunk does not erase id and model (so the cost stays)", async () => {
    const trailing = {
      id: "",
      object: "",
      created: 0,
      model: "",
      choices: [
        {
          index: 0,
          finish_reason: null,
          content_filter_results: { hate: { filtered: false, severity: "safe" } },
        },
      ],
    };
    server.script(
      sse(
        frame([
          chunk({ role: "assistant", content: "Hi" }, null, {
            id: "chatcmpl-az",
            model: "gpt-4o-mini-2024-07-18",
          }),
          chunk({}, "stop", {
            id: "chatcmpl-az",
            model: "gpt-4o-mini-2024-07-18",
            usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
          }),
          trailing,
        ]),
      ),
    );
    const response = await run();
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual([response.id, response.model], ["chatcmpl-az", "gpt-4o-mini-2024-07-18"]);
    assert.ok(response.cost !== undefined && response.cost > 0, `cost ${response.cost}`);
  });

  it("tool calls without an id get the same kind of generated, unique id on both paths", async () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "get", arguments: "{}" } });
    server.script(
      json(
        200,
        completion(null, {
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: null, tool_calls: [call(""), call("")] },
              finish_reason: "tool_calls",
            },
          ],
        }),
      ),
    );
    const plain = await clientFor(server).chat_completions(HELLO);
    server.script(
      sse(
        frame([
          chunk({
            tool_calls: [{ index: 0, id: "", type: "function", function: { name: "get", arguments: "{}" } }],
          }),
          chunk({ tool_calls: [{ index: 1, type: "function", function: { name: "get", arguments: "{}" } }] }),
          chunk({}, "tool_calls"),
        ]),
      ),
    );
    const streamed = await run();
    const ids = [...plain.tool_calls, ...streamed.tool_calls].map((toolCall) => toolCall.id);
    assert.equal(ids.length, 4);
    for (const id of ids) assert.match(id, /^call_[0-9a-f]{24}$/);
    assert.equal(new Set(ids).size, 4, "unique");
  });
});
