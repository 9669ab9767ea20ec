import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ChatCompletionOptions,
  ConfigError,
  InvalidArgumentError,
  LLMResponseStatus,
} from "../../src/index.js";
import { clientFor, HELLO, TEST_KEY } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const EVERY_PARAM = {
  reasoning_effort: "low",
  verbosity: "high",
  seed: 1,
  parallel_tool_calls: false,
  presence_penalty: 0.5,
  frequency_penalty: -1,
  logit_bias: { "50256": -100 },
  logprobs: true,
  top_logprobs: 2,
  service_tier: "flex",
  user: "u1",
  safety_identifier: "person-7",
  metadata: { job: "nightly" },
  store: true,
  prompt_cache_key: "agents",
  prediction: { type: "content", content: "draft" },
} as const;

function body(server: TestServer, index = 0): Record<string, unknown> {
  return server.requests[index]!.body as Record<string, unknown>;
}

describe("every request parameter is reachable, nothing is dropped", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("each typed option reaches the body exactly as given", async () => {
    server.script(json(200, completion("ok")));
    const res = await clientFor(server).chat_completions(HELLO, {
      ...EVERY_PARAM,
      tools: [{ name: "f", parameters: { type: "object", properties: {} } }],
    });
    assert.equal(res.status, LLMResponseStatus.SUCCESS, res.error?.message);
    const sent = body(server);
    for (const [name, value] of Object.entries(EVERY_PARAM)) assert.deepStrictEqual(sent[name], value, name);
  });

  it("each is checked, with an InvalidArgumentError naming it, and nothing is sent", async () => {
    server.script(json(200, completion("never sent")));
    const llm = clientFor(server);
    const bad: Array<[Partial<Record<keyof ChatCompletionOptions, unknown>>, string, RegExp]> = [
      [
        { reasoning_effort: "extreme" },
        "reasoning_effort",
        /must be one of none, minimal, low, medium, high, xhigh, max \(got "extreme"\)/,
      ],
      [{ verbosity: 3 }, "verbosity", /must be one of low, medium, high/],
      [{ seed: 1.5 }, "seed", /must be an integer/],
      [{ parallel_tool_calls: "no" }, "parallel_tool_calls", /must be true or false \(got "no"\)/],
      [{ presence_penalty: 3 }, "presence_penalty", /from -2 to 2 \(got 3\)/],
      [{ frequency_penalty: Number.NaN }, "frequency_penalty", /from -2 to 2/],
      [{ logit_bias: { hello: 1 } }, "logit_bias.hello", /token ids/],
      [{ logit_bias: { "12": 101 } }, "logit_bias.12", /from -100 to 100/],
      [{ logprobs: 1 }, "logprobs", /true or false/],
      [{ logprobs: true, top_logprobs: 21 }, "top_logprobs", /from 0 to 20/],
      [{ top_logprobs: 2 }, "top_logprobs", /needs logprobs: true/],
      [
        { service_tier: "turbo" },
        "service_tier",
        /must be one of auto, default, flex, scale, priority, fast/,
      ],
      [{ user: "" }, "user", /non-empty string/],
      [{ safety_identifier: "x".repeat(65) }, "safety_identifier", /at most 64 characters/],
      [{ metadata: { a: 1 } }, "metadata.a", /string of at most 512/],
      [
        { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) },
        "metadata",
        /at most 16 pairs \(got 17\)/,
      ],
      [{ store: "yes" }, "store", /true or false/],
      [{ prediction: { type: "content" } }, "prediction", /type: "content", content/],
      [{ extra_body: [1] }, "extra_body", /must be an object/],
      [{ extra_headers: { "x-a": "b\r\nc" } }, "extra_headers", /carriage return/],
    ];
    for (const [options, argument, problem] of bad) {
      await assert.rejects(
        async () => llm.chat_completions(HELLO, options as ChatCompletionOptions),
        (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError, `${argument}: ${String(error)}`);
          assert.equal(error.argument, argument);
          assert.match(error.message, problem);
          return true;
        },
      );
    }
    assert.equal(server.requests.length, 0);
  });

  it("an unknown option key rejects, naming it, suggesting a near one, and pointing at extra_body", async () => {
    const llm = clientFor(server);
    await assert.rejects(llm.chat_completions(HELLO, { sede: 1 } as never), {
      name: "InvalidArgumentError",
      message:
        'Invalid argument options.sede: is not an option of chat_completions (did you mean "seed"?); to send a parameter this library does not know, use extra_body: { sede: ... }',
    });
    for (const call of [
      () => llm.chat_completions(HELLO, { sede: 1 } as never),
      () => llm.stream_chat_completions(HELLO, { guided_json: {} } as never),
    ]) {
      await assert.rejects(
        async () => call(),
        (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError);
          assert.match(error.argument, /^options\.(sede|guided_json)$/);
          assert.match(
            error.message,
            /is not an option of chat_completions( \(did you mean "seed"\?\))?; .* use extra_body: \{ (sede|guided_json): \.\.\. \}/,
          );
          return true;
        },
      );
    }
  });

  it("null means not set, for every option (Python's None)", async () => {
    server.script(json(200, completion("ok")));
    const res = await clientFor(server).chat_completions(HELLO, {
      stop: null,
      response_format: null,
      tools: null,
      tool_choice: null,
      seed: null,
      temperature: null,
      max_tokens: null,
      metadata: null,
      extra_body: null,
      timeout: null,
    });
    assert.equal(res.status, LLMResponseStatus.SUCCESS, res.error?.message);
    assert.deepStrictEqual(body(server), {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 4096,
      temperature: 0.9,
      top_p: 1,
    });
  });

  it("extra_body is merged last; extra_headers go with this call only and are redacted from errors", async () => {
    server.script(
      json(200, completion("ok")),
      json(400, { error: { message: "bad tenant tenant-secret-42", type: "invalid_request_error" } }),
    );
    const llm = clientFor(server);
    await llm.chat_completions(HELLO, {
      temperature: 0.5,
      extra_body: { guided_json: { type: "object" }, temperature: 0.1, provider: { order: ["a"] } },
      extra_headers: { "x-tenant": "tenant-secret-42" },
    });
    assert.deepStrictEqual(
      [body(server)["guided_json"], body(server)["temperature"], body(server)["provider"]],
      [{ type: "object" }, 0.1, { order: ["a"] }],
    );
    assert.equal(server.requests[0]!.headers["x-tenant"], "tenant-secret-42");
    const failed = await llm.chat_completions(HELLO, { extra_headers: { "x-tenant": "tenant-secret-42" } });
    assert.equal(failed.error?.message, "400: bad tenant [redacted]");
    server.script(json(200, completion("ok")));
    await llm.chat_completions(HELLO);
    assert.equal(server.requests[0]!.headers["x-tenant"], undefined, "not sent with the next call");
  });

  it("config defaults: reasoning_effort to reasoning models only, verbosity to gpt-5, service_tier to all", async () => {
    server.script(json(200, completion("ok")));
    const configured = clientFor(server, { reasoning_effort: "low", verbosity: "low", service_tier: "flex" });
    await configured.chat_completions(HELLO, { model: "o3" });
    await configured.chat_completions(HELLO, { model: "gpt-5-mini" });
    await configured.chat_completions(HELLO, { model: "gpt-4o" });
    await configured.chat_completions(HELLO, { model: "gpt-4o", service_tier: "priority" });
    const pick = (index: number) => {
      const sent = body(server, index);
      return [sent["reasoning_effort"], sent["verbosity"], sent["service_tier"]];
    };
    assert.deepStrictEqual(pick(0), ["low", undefined, "flex"]);
    assert.deepStrictEqual(pick(1), ["low", "low", "flex"]);
    assert.deepStrictEqual(pick(2), [undefined, undefined, "flex"]);
    assert.deepStrictEqual(pick(3), [undefined, undefined, "priority"]);
  });

  it("the defaults come from OPENAI_REASONING_EFFORT, OPENAI_VERBOSITY, OPENAI_SERVICE_TIER, checked", async () => {
    const { OpenAIConfig } = await import("../../src/index.js");
    const config = new OpenAIConfig(
      {},
      {
        OPENAI_API_KEY: TEST_KEY,
        OPENAI_REASONING_EFFORT: "high",
        OPENAI_VERBOSITY: "medium",
        OPENAI_SERVICE_TIER: "auto",
      },
    );
    assert.deepStrictEqual(
      [config.reasoning_effort, config.verbosity, config.service_tier],
      ["high", "medium", "auto"],
    );
    assert.throws(
      () => new OpenAIConfig({}, { OPENAI_API_KEY: TEST_KEY, OPENAI_REASONING_EFFORT: "hard" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          'Invalid config "reasoning_effort": must be one of none, minimal, low, medium, high, xhigh, max (got "hard"); set the "reasoning_effort" option or OPENAI_REASONING_EFFORT.',
    );
  });
});

describe("the response carries logprobs, service_tier and system_fingerprint", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const token = (text: string, logprob: number) => ({
    token: text,
    logprob,
    bytes: [...Buffer.from(text)],
    top_logprobs: [{ token: text, logprob, bytes: [...Buffer.from(text)] }],
  });

  it("from a full response", async () => {
    const answer = completion("Hi");
    const choices = answer["choices"] as Array<Record<string, unknown>>;
    choices[0]!["logprobs"] = { content: [token("Hi", -0.01)], refusal: null };
    server.script(json(200, { ...answer, service_tier: "default", system_fingerprint: "fp_44709d6fcb" }));
    const res = await clientFor(server).chat_completions(HELLO, { logprobs: true, top_logprobs: 1 });
    assert.deepStrictEqual(res.logprobs, { content: [token("Hi", -0.01)], refusal: [] });
    assert.equal(res.service_tier, "default");
    assert.equal(res.system_fingerprint, "fp_44709d6fcb");
  });

  it("from a stream, the chunks' logprobs joined in order", async () => {
    const withLogprobs = (content: string, logprob: number, finish: string | null = null) => ({
      ...chunk({ content }, finish, { service_tier: "default", system_fingerprint: "fp_1" }),
      choices: [
        {
          index: 0,
          delta: { content },
          logprobs: { content: [token(content, logprob)] },
          finish_reason: finish,
        },
      ],
    });
    server.script(sse(frame([withLogprobs("Hel", -0.1), withLogprobs("lo", -0.2, "stop")])));
    const res = await clientFor(server).stream_chat_completions(HELLO, { logprobs: true }).response;
    assert.equal(res.content, "Hello");
    assert.deepStrictEqual(res.logprobs, { content: [token("Hel", -0.1), token("lo", -0.2)], refusal: [] });
    assert.deepStrictEqual([res.service_tier, res.system_fingerprint], ["default", "fp_1"]);
  });

  it("no logprobs asked, none on the response", async () => {
    server.script(json(200, completion("Hi")));
    const res = await clientFor(server).chat_completions(HELLO);
    assert.equal(res.logprobs, undefined);
  });
});
