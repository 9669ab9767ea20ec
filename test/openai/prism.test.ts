import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { request } from "undici";
import { type ChatCompletionOptions, type ChatMessage, LLMResponseStatus, OpenAI } from "../../src/index.js";
import { buildOpenAIRequest } from "../../src/openai/build-openai-request.js";

// Started by scripts/run-tests.mjs; a missing PRISM_URL fails the suite rather than skipping it.
const PRISM_URL = process.env["PRISM_URL"] ?? "";
const strictSchema = {
  type: "object",
  properties: { location: { type: "string" } },
  required: ["location"],
  additionalProperties: false,
};
const history: ChatMessage[] = [
  { role: "system", content: "You're a helpful assistant." },
  { role: "user", content: "What's the weather in Seattle and San Francisco today?" },
  {
    role: "assistant",
    content: [],
    tool_calls: [
      {
        id: "call_1",
        tool: { name: "get_current_weather", arguments: { location: "Seattle, WA" } },
        type: "function",
      },
      {
        id: "call_2",
        tool: { name: "get_current_weather", arguments: { location: "San Francisco, CA" } },
        type: "function",
      },
    ],
  },
  { role: "tool", tool_call_id: "call_1", content: "50 degrees and raining" },
  { role: "tool", tool_call_id: "call_2", content: { degrees: 70, sky: "sunny" } },
];
const user: ChatMessage[] = [{ role: "user", content: "Hello" }];

const shapes: Array<[string, ChatMessage[], ChatCompletionOptions]> = [
  ["a plain request", user, {}],
  ["Director-shape history with parallel tool calls and tool results", history, {}],
  [
    "tools in the spec's shape without strict",
    user,
    {
      tools: [
        {
          name: "get_data",
          description: "Get data",
          parameters: { type: "object", properties: { id: { type: "string" } } },
        },
      ],
    },
  ],
  [
    "tools in OpenAI's shape with strict",
    user,
    {
      tools: [
        {
          type: "function",
          function: { name: "get_current_weather", parameters: strictSchema },
          strict: true,
        },
      ],
    },
  ],
  [
    "tool_choice required",
    user,
    { tools: [{ name: "f", parameters: strictSchema }], tool_choice: "required" },
  ],
  ["stop sequences", user, { stop: ["\n\n", "END"] }],
  ["a single stop string", user, { stop: "END" }],
  ["json_object", user, { response_format: { type: "json_object" } }],
  [
    "json_schema",
    user,
    {
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather", schema: strictSchema, strict: true },
      },
    },
  ],
  ["text format", user, { response_format: { type: "text" } }],
  [
    "image parts",
    [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
        ],
      },
    ],
    {},
  ],
  ["a reasoning model", [{ role: "developer", content: "Be brief." }, ...user], { model: "o3-mini" }],
  ["per-call sampling overrides", user, { model: "gpt-4o-mini", max_tokens: 5, temperature: 0, top_p: 0.1 }],
  [
    "every optional request parameter",
    user,
    {
      seed: 7,
      parallel_tool_calls: false,
      tools: [{ name: "f", parameters: strictSchema }],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { "50256": -100, "1734": 5 },
      logprobs: true,
      top_logprobs: 3,
      service_tier: "flex",
      user: "u1",
      safety_identifier: "user-123",
      metadata: { run: "nightly", team: "agents" },
      store: false,
      prompt_cache_key: "agents-v1",
      prediction: { type: "content", content: "The answer is 42." },
    },
  ],
  [
    "a reasoning model with reasoning_effort and verbosity",
    user,
    { model: "gpt-5-mini", reasoning_effort: "minimal", verbosity: "low", service_tier: "priority" },
  ],
  [
    "prediction as text parts",
    user,
    { prediction: { type: "content", content: [{ type: "text", text: "x" }] } },
  ],
];

describe("every request shape passes Prism's validation of the official OpenAI spec", () => {
  const llm = new OpenAI({
    api_key: "sk-prism-0000000000",
    api_base: PRISM_URL,
    max_retries: 0,
    rate_limit: false,
  });

  for (const [name, messages, options] of shapes) {
    it(name, async () => {
      const response = await llm.chat_completions(messages, options);
      if (options.response_format?.type === "json_schema") {
        // Prism answers with the spec's example message, not JSON made for the schema: the request
        // was accepted; the answer then passes or is (rightly) refused as invalid_output.
        assert.ok(
          response.status === LLMResponseStatus.SUCCESS || response.error?.kind === "invalid_output",
          response.error?.message,
        );
        assert.equal(response.attempts, 1);
        return;
      }
      assert.equal(response.error?.message, undefined);
      assert.equal(response.status, LLMResponseStatus.SUCCESS);
    });
  }

  for (const [name, messages, options] of shapes) {
    it(`streaming: ${name}`, async () => {
      // Prism cannot serve SSE (Accept: text/event-stream gives 500), so the exact streaming body the
      // client builds is posted with Accept: application/json: validation still runs first.
      const body = buildOpenAIRequest({ messages, call: options, defaults: llm.config, stream: true });
      assert.deepStrictEqual(body.stream_options, { include_usage: true });
      const response = await request(`${PRISM_URL}/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: "Bearer sk-x",
        },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      assert.equal(response.statusCode, 200, text);
    });
  }

  it("the check is live: an invalid body is refused with 422", async () => {
    const response = await request(`${PRISM_URL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-x" },
      body: JSON.stringify({
        model: "gpt-4o",
        messages: [{ role: "wizard", content: "hi" }],
        temperature: "hot",
      }),
    });
    assert.equal(response.statusCode, 422);
    await response.body.text();
  });

  it("the new parameters are validated by the spec too: a service_tier it does not list is refused", async () => {
    const response = await llm.chat_completions(user, { extra_body: { service_tier: "turbo" } });
    assert.equal(response.error?.kind, "bad_request");
    assert.equal(response.error?.status_code, 422);
  });

  it("the client reports Prism's rejection of an unknown content part as bad_request", async () => {
    const response = await llm.chat_completions([{ role: "user", content: [{ type: "banana", banana: 1 }] }]);
    assert.equal(response.status, LLMResponseStatus.ERROR);
    assert.equal(response.error?.kind, "bad_request");
    assert.equal(response.error?.status_code, 422);
    assert.equal(response.error?.attempts, 1);
  });

  it("Prism's static 429 (Retry-After: 1) is waited out, retried, then reported as rate_limit", async () => {
    // The first 1 s wait is free (429 waits add up to at most max_retry_after_ms), the second
    // would pass 1.5 s and so spends the one retry; the third 429 is reported.
    const limited = new OpenAI({
      api_key: "sk-prism-0000000000",
      api_base: PRISM_URL,
      max_retries: 1,
      retry: { max_retry_after_ms: 1500 },
      rate_limit: false,
      headers: { prefer: "code=429" },
    });
    const response = await limited.chat_completions(user);
    assert.equal(response.error?.kind, "rate_limit");
    assert.equal(response.error?.retry_after_ms, 1000);
    assert.equal(response.error?.attempts, 3);
  });
});
