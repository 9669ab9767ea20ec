import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { type LLMResponse, LLMResponseStatus } from "../../src/index.js";
import { claudeFor } from "../helpers/claude.js";
import { ANTHROPIC_FIXTURES_DIR, type Exchange, fixtureJson, replay } from "../helpers/fixtures.js";
import { seededRandom, splitRandomly } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const HI = [{ role: "user" as const, content: "hi" }];

/** What each recorded answer must read as: the fields a caller acts on, from the recording itself. */
const EXPECTED: Record<string, Record<string, unknown>> = {
  "error-400-prompt-too-long.json": {
    error_kind: "context_length_exceeded",
    retryable: false,
    request_id: "req_011CeCGmMJJGRCp7xgjqapmJ",
  },
  "error-401-authentication.json": {
    error_kind: "authentication",
    retryable: false,
    request_id: "req_011CeCGmBjaWkq37Sf5iU7so",
  },
  "error-404-model-not-found.json": { error_kind: "model_not_found", retryable: false },
  "error-429-rate-limit-epoch-reset.json": { error_kind: "rate_limit", retryable: false },
  "error-429-rate-limit-retry-after.json": {
    error_kind: "rate_limit",
    retryable: true,
    retry_after_ms: 65_000,
  },
  "error-529-overloaded.json": { error_kind: "overloaded", retryable: true },
  "stream-error-overloaded.json": { error_kind: "overloaded", retryable: true },
  "message-cache-write-1h-max-tokens.json": {
    finish_reason: "max_tokens",
    send_tokens: 2073,
    recv_tokens: 100,
    cached_tokens: 0,
    cache_write_tokens: 2056,
    cost: 0.013887,
  },
  "message-empty-content.json": {
    finish_reason: "end_turn",
    content: "",
    recv_tokens: 9,
    tool_call_count: 0,
  },
  "message-parallel-tool-results-followup.json": {
    finish_reason: "end_turn",
    send_tokens: 771,
    recv_tokens: 77,
  },
  "message-pause-turn.json": {
    finish_reason: "pause_turn",
    send_tokens: 401468,
    recv_tokens: 792,
    thinking_count: 1,
  },
  "message-prompt-cache-read.json": {
    content: "OK",
    send_tokens: 7361,
    cached_tokens: 7351,
    cache_write_tokens: 0,
    cost: 0.0007651,
  },
  "message-prompt-cache-write.json": {
    content: "OK",
    send_tokens: 7361,
    cached_tokens: 0,
    cache_write_tokens: 7351,
    cost: 0.00921875,
  },
  "message-redacted-thinking.json": { finish_reason: "end_turn", thinking_count: 1, reasoning: "" },
  "message-stop-sequence.json": {
    content: "The beautiful city of ",
    finish_reason: "stop_sequence",
    send_tokens: 32,
    recv_tokens: 5,
  },
  "message-text-and-parallel-tool-use.json": { finish_reason: "tool_use", tool_call_count: 4 },
  "message-text-system-prompt.json": { finish_reason: "end_turn", send_tokens: 32, recv_tokens: 269 },
  "message-thinking-tool-result-followup.json": {
    finish_reason: "end_turn",
    send_tokens: 566,
    recv_tokens: 126,
  },
  "message-thinking-tool-use.json": { finish_reason: "tool_use", tool_call_count: 1, thinking_count: 1 },
  "message-thinking.json": { finish_reason: "end_turn", thinking_count: 1 },
  "message-tool-result-is-error.json": { finish_reason: "tool_use", tool_call_count: 1 },
  "message-tool-use.json": { finish_reason: "tool_use", tool_call_count: 1, content: "" },
  "stream-max-tokens-2024.json": { finish_reason: "max_tokens", recv_tokens: 15 },
  "stream-redacted-thinking.json": { finish_reason: "end_turn", thinking_count: 2 },
  "stream-text.json": { content: "1\n2\n3", finish_reason: "end_turn", send_tokens: 15, recv_tokens: 9 },
  "stream-thinking.json": { finish_reason: "end_turn", thinking_count: 1 },
  "stream-tool-use.json": { finish_reason: "tool_use", tool_call_count: 1, content: "" },
};

function check(name: string, response: LLMResponse): void {
  const expected = EXPECTED[name]!;
  for (const [field, value] of Object.entries(expected)) {
    const actual =
      field === "error_kind"
        ? response.error?.kind
        : field === "retryable"
          ? response.error?.retryable
          : field === "retry_after_ms"
            ? response.error?.retry_after_ms
            : field === "request_id"
              ? response.error?.request_id
              : field === "tool_call_count"
                ? response.tool_calls.length
                : field === "thinking_count"
                  ? response.thinking_blocks.length
                  : (response as unknown as Record<string, unknown>)[field];
    assert.deepStrictEqual(actual, value, `${name}: ${field}`);
  }
  assert.equal(
    response.status,
    expected["error_kind"] === undefined ? LLMResponseStatus.SUCCESS : LLMResponseStatus.ERROR,
    name,
  );
}

/** The recorded response body's blocks, as the caller should see them. */
function recordedBlocks(exchange: Exchange): {
  text: string;
  tools: Array<[string, string, unknown]>;
  thinking: string;
} {
  const blocks = (exchange.response.body as { content?: Array<Record<string, unknown>> })?.content ?? [];
  return {
    text: blocks
      .filter((b) => b["type"] === "text")
      .map((b) => b["text"])
      .join(""),
    tools: blocks
      .filter((b) => b["type"] === "tool_use")
      .map((b) => [b["id"] as string, b["name"] as string, b["input"]]),
    thinking: blocks
      .filter((b) => b["type"] === "thinking")
      .map((b) => b["thinking"])
      .join(""),
  };
}

const files = readdirSync(ANTHROPIC_FIXTURES_DIR).filter((name) => name.endsWith(".json"));

describe("every recorded Anthropic response, replayed unchanged", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("covers all 27 exchanges and their 6 streams", () => {
    assert.equal(files.length, 27);
    assert.equal(
      files.filter((name) => fixtureJson<Exchange>(name, ANTHROPIC_FIXTURES_DIR).response.body_file).length,
      6,
    );
    assert.deepStrictEqual(Object.keys(EXPECTED).sort(), [...files].sort());
  });

  for (const name of files) {
    const exchange = fixtureJson<Exchange>(name, ANTHROPIC_FIXTURES_DIR);
    const streamed = exchange.response.body_file !== undefined;
    it(`${name}${streamed ? " (stream)" : ""}`, async () => {
      server.script(replay(name, ANTHROPIC_FIXTURES_DIR));
      const llm = claudeFor(server);
      const response = streamed
        ? await llm.stream_chat_completions(HI).response
        : await llm.chat_completions(HI);
      check(name, response);
      if (!streamed && response.status === LLMResponseStatus.SUCCESS) {
        const blocks = recordedBlocks(exchange);
        assert.equal(response.content, blocks.text);
        assert.equal(response.reasoning, blocks.thinking);
        assert.deepStrictEqual(
          response.tool_calls.map((call) => [call.id, call.tool.name, call.tool.arguments]),
          blocks.tools,
        );
      }
    });
  }

  for (const name of files.filter(
    (file) => fixtureJson<Exchange>(file, ANTHROPIC_FIXTURES_DIR).response.body_file,
  )) {
    it(`${name}: split at random points, the same response`, async () => {
      server.script(replay(name, ANTHROPIC_FIXTURES_DIR));
      const whole = await claudeFor(server).stream_chat_completions(HI).response;
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        server.script(replay(name, ANTHROPIC_FIXTURES_DIR, (body) => splitRandomly(body, random, 48)));
        const split = await claudeFor(server).stream_chat_completions(HI).response;
        assert.deepStrictEqual(split, whole, `seed ${seed}`);
      }
    });
  }
});
