import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { type LLMResponse, LLMResponseStatus, OpenAI } from "../../src/index.js";
import { TEST_KEY } from "../helpers/client.js";
import { type Exchange, fixtureJson, fixtureText, GEMINI_FIXTURES_DIR, replay } from "../helpers/fixtures.js";
import { geminiFor } from "../helpers/gemini.js";
import { seededRandom, splitRandomly } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const HI = [{ role: "user" as const, content: "hi" }];

/**
 * What each recorded answer must read as, from the recording itself: prompt = promptTokenCount +
 * toolUsePromptTokenCount, completion = candidatesTokenCount + thoughtsTokenCount.
 */
const EXPECTED: Record<string, Record<string, unknown>> = {
  "error-400-api-key-invalid.json": { error_kind: "authentication", retryable: false },
  "error-400-input-token-count-exceeds.json": { error_kind: "context_length_exceeded", retryable: false },
  "error-404-model-not-found.json": { error_kind: "model_not_found", retryable: false },
  "error-429-resource-exhausted-retry-info.json": {
    error_kind: "rate_limit",
    retryable: true,
    retry_after_ms: 48_000,
  },
  "error-429-vertex-resource-exhausted-bare.json": { error_kind: "rate_limit", retryable: true },
  "error-500-internal.json": { error_kind: "server_error", retryable: true },
  "error-503-unavailable-overloaded.json": { error_kind: "overloaded", retryable: true },
  "generate-cached-content.json": {
    finish_reason: "stop",
    send_tokens: 9622,
    cached_tokens: 9609,
    recv_tokens: 171,
    reasoning_tokens: 136,
    total_tokens: 9793,
    cost: 0.00071967,
  },
  "generate-gemini3-thought-signature-replay.json": {
    finish_reason: "stop",
    send_tokens: 339,
    recv_tokens: 74,
    has_reasoning: true,
    has_signature: true,
  },
  "generate-gemini3-tool-call-id-thoughts.json": {
    finish_reason: "tool_calls",
    provider_finish_reason: "STOP",
    tool_call_count: 1,
    tool_call_ids: ["call_883098"],
    has_reasoning: true,
    content: "",
  },
  "generate-google-search-grounding.json": {
    finish_reason: "stop",
    send_tokens: 83,
    recv_tokens: 139,
    total_tokens: 222,
  },
  "generate-max-tokens-no-parts.json": {
    finish_reason: "length",
    provider_finish_reason: "MAX_TOKENS",
    content: "",
    recv_tokens: 2,
    reasoning_tokens: 2,
  },
  "generate-max-tokens.json": {
    finish_reason: "length",
    content: "The capital of France is",
    recv_tokens: 5,
  },
  "generate-multi-turn-history.json": { finish_reason: "stop", send_tokens: 71, recv_tokens: 205 },
  "generate-parallel-tool-calls.json": { finish_reason: "tool_calls", tool_call_count: 2, signed_calls: 1 },
  "generate-parallel-tool-results-followup.json": {
    finish_reason: "stop",
    send_tokens: 277,
    recv_tokens: 47,
  },
  "generate-response-json-schema.json": {
    finish_reason: "stop",
    content: '{"name":"John","age":30}',
    has_signature: true,
  },
  "generate-response-schema-openapi.json": { finish_reason: "stop", content: '{"result": 8}' },
  "generate-safety-block.json": {
    finish_reason: "content_filter",
    provider_finish_reason: "SAFETY",
    content: "",
  },
  "generate-stop-sequence.json": { finish_reason: "stop", content: "The most iconic city in France is " },
  "generate-text-system-instruction.json": {
    finish_reason: "stop",
    send_tokens: 26,
    recv_tokens: 890,
    reasoning_tokens: 227,
    total_tokens: 916,
    service_tier: "standard",
    cost: 0.0022328,
  },
  "generate-thinking-level-include-thoughts.json": {
    finish_reason: "stop",
    recv_tokens: 1667,
    has_reasoning: true,
  },
  "generate-tool-call.json": {
    finish_reason: "tool_calls",
    tool_call_count: 1,
    signed_calls: 1,
    content: "",
  },
  "generate-tool-choice-any.json": { finish_reason: "tool_calls", tool_call_count: 1 },
  "generate-tool-choice-none.json": { finish_reason: "stop", tool_call_count: 0 },
  "generate-tool-choice-specific.json": { finish_reason: "tool_calls", tool_call_count: 1 },
  "generate-tool-result-followup.json": { finish_reason: "stop", send_tokens: 190, recv_tokens: 21 },
  "generate-tool-without-parameters.json": { finish_reason: "tool_calls", tool_call_count: 1 },
  "generate-youtube-video-input.json": {
    finish_reason: "stop",
    send_tokens: 17713,
    recv_tokens: 1276,
    total_tokens: 18989,
    send_tokens_by_modality: { text: 16, video: 15780, audio: 1917 },
  },
  "stream-gemini3-after-tool-result.json": {
    finish_reason: "stop",
    content: "The capital of Mexico is Mexico City.",
    send_tokens: 257,
    recv_tokens: 8,
  },
  "stream-gemini3-tool-call-thought-signature.json": {
    finish_reason: "tool_calls",
    tool_call_count: 1,
    signed_calls: 1,
    recv_tokens: 212,
  },
  "stream-text-single-chunk.json": {
    finish_reason: "stop",
    content: "1, 2, 3",
    send_tokens: 8,
    recv_tokens: 27,
  },
  "stream-text-usage-changes.json": {
    finish_reason: "stop",
    content: "The capital of France is Paris.\n",
    send_tokens: 13,
    recv_tokens: 8,
    total_tokens: 21,
  },
  "stream-thinking.json": {
    finish_reason: "stop",
    recv_tokens: 1510,
    has_reasoning: true,
    has_signature: true,
  },
  "stream-thoughts-token-accounting.json": {
    finish_reason: "stop",
    send_tokens: 13,
    recv_tokens: 208,
    total_tokens: 221,
  },
  "stream-tool-call.json": { finish_reason: "tool_calls", tool_call_count: 1, signed_calls: 1 },
  "stream-usage-every-chunk.json": { finish_reason: "stop", recv_tokens: 115, total_tokens: 133 },
};

function field(response: LLMResponse, name: string): unknown {
  switch (name) {
    case "error_kind":
      return response.error?.kind;
    case "retryable":
      return response.error?.retryable;
    case "retry_after_ms":
      return response.error?.retry_after_ms;
    case "tool_call_count":
      return response.tool_calls.length;
    case "tool_call_ids":
      return response.tool_calls.map((call) => call.id);
    case "signed_calls":
      return response.tool_calls.filter((call) => call.thought_signature !== undefined).length;
    case "has_reasoning":
      return response.reasoning.length > 0;
    case "has_signature":
      return response.thought_signature !== undefined;
    default:
      return (response as unknown as Record<string, unknown>)[name];
  }
}

function check(name: string, response: LLMResponse): void {
  const expected = EXPECTED[name]!;
  for (const [key, value] of Object.entries(expected))
    assert.deepStrictEqual(field(response, key), value, `${name}: ${key}`);
  assert.equal(
    response.status,
    expected["error_kind"] === undefined ? LLMResponseStatus.SUCCESS : LLMResponseStatus.ERROR,
    name,
  );
}

/** The text and calls of a recorded (non-streamed) answer, as a caller should see them. */
function recorded(exchange: Exchange): { text: string; calls: Array<[string, unknown]> } {
  const body = exchange.response.body as {
    candidates?: Array<{ content?: { parts?: Array<Record<string, unknown>> } }>;
  };
  const parts = body.candidates?.[0]?.content?.parts ?? [];
  return {
    text: parts
      .filter((part) => typeof part["text"] === "string" && part["thought"] !== true)
      .map((part) => part["text"])
      .join(""),
    calls: parts
      .filter((part) => part["functionCall"] !== undefined)
      .map((part) => {
        const call = part["functionCall"] as { name: string; args?: unknown };
        return [call.name, call.args ?? {}];
      }),
  };
}

/** A response with its generated tool-call ids blanked, to compare two reads of one recording. */
function withoutGeneratedIds(response: LLMResponse): unknown {
  return {
    ...response,
    tool_calls: response.tool_calls.map((call) => ({
      ...call,
      id: call.id.startsWith("call_") && call.id.length === 29 ? "" : call.id,
    })),
  };
}

const files = readdirSync(GEMINI_FIXTURES_DIR).filter((name) => name.endsWith(".json"));
const native = files.filter((name) => !name.startsWith("openai-compat-") && name !== "count-tokens.json");

describe("every recorded Gemini response, replayed unchanged", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("covers all 40 exchanges and their 8 streams", () => {
    assert.equal(files.length, 40);
    assert.equal(
      files.filter((name) => fixtureJson<Exchange>(name, GEMINI_FIXTURES_DIR).response.body_file).length,
      8,
    );
    assert.deepStrictEqual(Object.keys(EXPECTED).sort(), [...native].sort());
  });

  for (const name of native) {
    const exchange = fixtureJson<Exchange>(name, GEMINI_FIXTURES_DIR);
    const streamed = exchange.response.body_file !== undefined;
    it(`${name}${streamed ? " (stream)" : ""}`, async () => {
      server.script(replay(name, GEMINI_FIXTURES_DIR));
      const llm = geminiFor(server, { retry: { max_retry_after_ms: 1000 } });
      const response = streamed
        ? await llm.stream_chat_completions(HI).response
        : await llm.chat_completions(HI);
      check(name, response);
      const path = server.requests[0]!.path;
      assert.equal(
        path,
        `/v1beta/models/gemini-2.5-flash:${streamed ? "streamGenerateContent?alt=sse" : "generateContent"}`,
      );
      assert.equal(server.requests[0]!.headers["x-goog-api-key"], TEST_KEY);
      assert.ok(!path.includes(TEST_KEY), "the key is never in the URL");
      if (response.error) assert.ok(!response.error.message.includes(TEST_KEY));
      if (!streamed && response.status === LLMResponseStatus.SUCCESS) {
        const wire = recorded(exchange);
        assert.equal(response.content, wire.text);
        assert.deepStrictEqual(
          response.tool_calls.map((call) => [call.tool.name, call.tool.arguments]),
          wire.calls,
        );
      }
    });
  }

  for (const name of native.filter(
    (file) => fixtureJson<Exchange>(file, GEMINI_FIXTURES_DIR).response.body_file,
  )) {
    it(`${name}: split at random points, the same response as the whole`, async () => {
      server.script(replay(name, GEMINI_FIXTURES_DIR));
      const whole = await geminiFor(server).stream_chat_completions(HI).response;
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        server.script(replay(name, GEMINI_FIXTURES_DIR, (body) => splitRandomly(body, random, 48)));
        const split = await geminiFor(server).stream_chat_completions(HI).response;
        assert.deepStrictEqual(withoutGeneratedIds(split), withoutGeneratedIds(whole), `seed ${seed}`);
      }
    });
  }

  it("a recorded stream assembles to what the same answer reads as unstreamed (vercel-ai's gemini-3.7-flash stream)", async () => {
    const text = fixtureText(
      "vercel-ai/google-stream-gemini-3.7-flash-2026-09-16.chunks.txt",
      GEMINI_FIXTURES_DIR,
    );
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(text);
    });
    const streamed = await geminiFor(server).stream_chat_completions(HI).response;
    assert.equal(streamed.status, LLMResponseStatus.SUCCESS);
    assert.equal(streamed.content, "fixture ok");
    assert.equal(streamed.finish_reason, "stop");
    assert.ok(
      streamed.thought_signature?.startsWith("EqkECqYEARFNMg"),
      "the signature on the empty final part is kept",
    );
    assert.equal(streamed.assistant_message.thought_signature, streamed.thought_signature);
  });

  it("a prompt blocked before generation (vercel-ai issue 19758) fails as content_filter, not retried", async () => {
    const body = fixtureJson("vercel-ai/issue-19758-prompt-block.json", GEMINI_FIXTURES_DIR);
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    });
    const response = await geminiFor(server, { max_retries: 2 }).chat_completions(HI);
    assert.equal(response.error?.kind, "content_filter");
    assert.equal(
      response.error?.message,
      "the prompt was blocked before any answer (blockReason PROHIBITED_CONTENT)",
    );
    assert.equal(server.requests.length, 1);
    const streamed = await geminiFor(server).stream_chat_completions(HI).response;
    assert.equal(streamed.error?.kind, "content_filter");
  });

  it("count_tokens_exact asks models/{model}:countTokens (count-tokens.json)", async () => {
    server.script(replay("count-tokens.json", GEMINI_FIXTURES_DIR));
    const tokens = await geminiFor(server).count_tokens_exact(HI);
    assert.equal(tokens, 12);
    assert.equal(server.requests[0]!.path, "/v1beta/models/gemini-2.5-flash:countTokens");
    assert.deepStrictEqual(server.requests[0]!.body, {
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
      },
    });
  });

  it("the OpenAI-compatible endpoint's recordings read through OpenAI: an empty tool-call id gets a unique one", async () => {
    server.script(replay("openai-compat-tool-call-empty-id.json", GEMINI_FIXTURES_DIR));
    const llm = new OpenAI({
      api_key: TEST_KEY,
      api_base: `${server.url}/v1beta/openai`,
      rate_limit: false,
      max_retries: 0,
    });
    const response = await llm.chat_completions(HI, { model: "gemini-2.5-pro" });
    assert.equal(response.finish_reason, "tool_calls");
    assert.equal(response.tool_calls.length, 1);
    assert.match(response.tool_calls[0]!.id, /^call_[0-9a-f]{24}$/);
    server.script(replay("openai-compat-tool-result-followup.json", GEMINI_FIXTURES_DIR));
    const followup = await llm.chat_completions(HI, { model: "gemini-2.5-pro" });
    assert.equal(followup.status, LLMResponseStatus.SUCCESS);
    assert.ok(followup.content.length > 0);
  });
});
