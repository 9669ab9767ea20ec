import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConfigError,
  InvalidArgumentError,
  LLMResponse,
  LLMResponseStatus,
  OpenAI,
  OpenAIConfig,
} from "../../src/index.js";
import { claudeFor } from "../helpers/claude.js";
import { clientFor, HELLO, TEST_KEY } from "../helpers/client.js";
import { completion, hang, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

/** Asserts `run` rejects (or throws) an InvalidArgumentError naming `argument`, with `problem` in its message. */
async function rejectsArgument(run: () => unknown, argument: string, problem: RegExp): Promise<void> {
  await assert.rejects(
    async () => run(),
    (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, `got ${String(error)}`);
      assert.equal(error.argument, argument);
      assert.match(error.message, problem);
      return true;
    },
  );
}

describe("caller mistakes are typed errors naming the argument, never raw TypeErrors", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("circular tool-call arguments, circular and BigInt tool results, circular parameters", async () => {
    const llm = clientFor(server);
    const circular: Record<string, unknown> = { a: 1 };
    circular["self"] = circular;
    const call = { id: "call_1", type: "function" as const, tool: { name: "f", arguments: circular } };
    await rejectsArgument(
      () => llm.chat_completions([{ role: "assistant", content: "", tool_calls: [call] }]),
      "messages[0].tool_calls[0].tool.arguments",
      /circular reference/,
    );
    await rejectsArgument(
      () => llm.chat_completions([{ role: "tool", tool_call_id: "call_1", content: circular as never }]),
      "messages[0].content",
      /circular reference/,
    );
    await rejectsArgument(
      () => llm.chat_completions([{ role: "tool", tool_call_id: "call_1", content: { n: 10n } as never }]),
      "messages[0].content",
      /BigInt/,
    );
    const schema: Record<string, unknown> = { type: "object", properties: {} };
    (schema["properties"] as Record<string, unknown>)["child"] = schema;
    await rejectsArgument(
      () => llm.chat_completions(HELLO, { tools: [{ name: "f", parameters: schema }] }),
      "tools[0].parameters",
      /circular reference/,
    );
    assert.equal(server.requests.length, 0, "nothing was sent");
  });

  it("new OpenAI(null) is a ConfigError", () => {
    assert.throws(
      () => new OpenAI(null as never),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.option === "options" &&
        /must be an object of config options, or left out \(got null\)/.test(error.message),
    );
  });

  it("a key with a CR (a Windows .env line) or a header with LF is refused at construction", () => {
    assert.throws(
      () => new OpenAI({ api_key: `${TEST_KEY}\r`, api_base: `${server.url}/v1` }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.option === "api_key" &&
        /carriage return \(CR\) at position 25; a Windows line ending in a \.env file leaves one at the end/.test(
          error.message,
        ) &&
        !error.message.includes(TEST_KEY),
    );
    assert.throws(
      () => new OpenAIConfig({}, { OPENAI_API_KEY: `${TEST_KEY}\r` }),
      (error: unknown) => error instanceof ConfigError && /OPENAI_API_KEY/.test(error.message),
    );
    assert.throws(
      () => clientFor(server, { headers: { "x-tenant": "a\nb" } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.option === "headers" &&
        /x-tenant contains a line feed/.test(error.message),
    );
    assert.throws(
      () => clientFor(server, { headers: { "bad name": "x" } }),
      (error: unknown) =>
        error instanceof ConfigError && /"bad name" is not a valid header name/.test(error.message),
    );
  });

  it("requests that would be refused or silently degraded are rejected before sending", async () => {
    const llm = clientFor(server);
    await rejectsArgument(
      () =>
        llm.chat_completions(HELLO, {
          response_format: {
            type: "json_schema",
            json_schema: {
              name: "x",
              schema: { type: "object", properties: { a: { type: "string" } } },
              strict: true,
            },
          },
        }),
      "response_format.json_schema.strict",
      /needs a qualifying schema: schema must set additionalProperties: false/,
    );
    await rejectsArgument(
      () => llm.chat_completions(HELLO, { tools: [{ name: "f", parameters: { type: "array" } }] }),
      "tools[0].parameters.type",
      /object schema \(got type "array"\)/,
    );
    const tools = [{ name: "lookup", parameters: { type: "object", properties: {} } }];
    await rejectsArgument(
      () => llm.chat_completions(HELLO, { tools, tool_choice: "sometimes" as never }),
      "tool_choice",
      /must be "auto", "none", "required" or .* \(got "sometimes"\)/,
    );
    await rejectsArgument(
      () =>
        llm.chat_completions(HELLO, {
          tools,
          tool_choice: { type: "function", function: { name: "search" } },
        }),
      "tool_choice.function.name",
      /names no tool in tools \(got "search"; tools: lookup\)/,
    );
    await rejectsArgument(
      () => llm.chat_completions(HELLO, { timeout: "5" as never }),
      "options.timeout",
      /\(got "5"\)/,
    );
    assert.equal(server.requests.length, 0);
  });

  it("a system or user message without content (a typo such as `contents`) is refused by every provider", async () => {
    for (const llm of [clientFor(server), claudeFor(server)]) {
      await rejectsArgument(
        () => llm.chat_completions([{ role: "user", contents: "Hello" } as never]),
        "messages[0].content",
        /^Invalid argument messages\[0\]\.content: is required: a user message needs content \(text or content parts\)$/,
      );
      await rejectsArgument(
        () => llm.chat_completions([{ role: "system" } as never, ...HELLO]),
        "messages[0].content",
        /a system message needs content/,
      );
      // Beside another user message, Claude would have merged it away silently: refused as well.
      await rejectsArgument(
        () => llm.chat_completions([...HELLO, { role: "user" } as never]),
        "messages[1].content",
        /a user message needs content/,
      );
      // A stream throws it synchronously, as it does every invalid argument.
      assert.throws(
        () => llm.stream_chat_completions([{ role: "developer" } as never, ...HELLO]),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.message ===
            "Invalid argument messages[0].content: is required: a developer message needs content (text or content parts)",
      );
    }
    assert.equal(server.requests.length, 0);
  });

  it("an explicit temperature for a reasoning model is not sent, with a warning", async () => {
    server.script(json(200, completion("thought")));
    const res = await clientFor(server).chat_completions(HELLO, { model: "o3", temperature: 0.2 });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    const body = server.requests[0]!.body as Record<string, unknown>;
    assert.equal(body["temperature"], undefined);
    assert.deepStrictEqual(res.warnings, ["temperature is not sent: reasoning model o3 does not accept it"]);
  });
});

describe("answers that break the contract fail, never succeed as empty", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  for (const [what, message, problem] of [
    [
      "content: 123",
      { role: "assistant", content: 123 },
      "message.content is a number, not a string or null",
    ],
    [
      'tool_calls: "nope"',
      { role: "assistant", content: null, tool_calls: "nope" },
      "message.tool_calls is a string, not an array",
    ],
  ] as const) {
    it(`a 200 with ${what} is invalid_response`, async () => {
      server.script(
        json(200, { ...completion(""), choices: [{ index: 0, message, finish_reason: "stop" }] }),
      );
      const res = await clientFor(server).chat_completions(HELLO);
      assert.equal(res.status, LLMResponseStatus.ERROR);
      assert.equal(res.error?.kind, "invalid_response");
      assert.equal(res.error?.message, problem);
    });
  }

  it("a 200 whose body is an error object is classified as the stream's error events are, and retried", async () => {
    const overloaded = { error: { message: "The model is overloaded", code: "overloaded" } };
    server.script(json(200, overloaded), json(200, completion("second try")));
    const res = await clientFor(server).chat_completions(HELLO);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(res.content, "second try");
    assert.equal(res.attempts, 2);

    server.script(json(200, overloaded));
    const failed = await clientFor(server, { max_retries: 0 }).chat_completions(HELLO);
    server.script(sse(frame([overloaded])));
    const streamed = await clientFor(server, { max_retries: 0 }).stream_chat_completions(HELLO).response;
    assert.equal(failed.error?.kind, "overloaded");
    assert.equal(streamed.error?.kind, "overloaded");
    assert.equal(
      failed.error?.message,
      "error object in a 200 response: overloaded: The model is overloaded",
    );
    assert.equal(streamed.error?.message, "error event in stream: overloaded: The model is overloaded");
    assert.equal(failed.error?.retryable, streamed.error?.retryable);
  });
});

describe("an AbortSignal.timeout() is reported as a timeout signal, with its reason", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("keeps the reason as the error's cause", async () => {
    server.script(hang());
    const res = await clientFor(server).chat_completions(HELLO, { signal: AbortSignal.timeout(100) });
    assert.equal(res.error?.kind, "aborted");
    assert.equal(
      res.error?.message,
      "request aborted by the caller's signal: it timed out (AbortSignal.timeout)",
    );
    assert.equal((res.error?.cause as Error | undefined)?.name, "TimeoutError");
  });

  it("in a stream too", async () => {
    server.script(sse(frame([chunk({ content: "x" })], false), { stall: true }));
    const stream = clientFor(server).stream_chat_completions(HELLO, { signal: AbortSignal.timeout(150) });
    const res = await stream.response;
    assert.equal(
      res.error?.message,
      "request aborted by the caller's signal: it timed out (AbortSignal.timeout)",
    );
    assert.equal((res.error?.cause as Error | undefined)?.name, "TimeoutError");
  });

  it("a plain abort keeps the caller's message", async () => {
    server.script(hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const res = await clientFor(server).chat_completions(HELLO, { signal: controller.signal });
    assert.equal(res.error?.message, "request aborted by the caller");
  });
});

describe("LLMResponse", () => {
  it("is a union on status: a failure always has an error, a success never", () => {
    const res = new LLMResponse({ status: LLMResponseStatus.SUCCESS, content: "x" });
    assert.ok(res instanceof LLMResponse);
    assert.throws(() => new LLMResponse({ status: LLMResponseStatus.ERROR }), TypeError);
  });
});
