import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../../../src/index.js";
import { delta, message, streamed, WEATHER_TOOL, whole } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: vLLM's reasoning outputs (https://docs.vllm.ai/en/latest/features/reasoning_outputs.html:
// `reasoning_content` in deltas and messages), its OpenAI-compatible server
// (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html: `continuous_usage_stats`
// puts usage in every chunk; errors are `{"object": "error", "message", "type", "code"}`), and
// vllm PR #9209 (named tool_choice streams ended with finish_reason "stop").
describe("vLLM", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("reasoning_content in deltas is res.reasoning and reasoning-delta parts, never content (reasoning outputs)", async () => {
    const { response, parts } = await streamed(server, [
      delta({ role: "assistant", content: "" }),
      delta({ reasoning_content: "9.11 < 9.8 because" }),
      delta({ reasoning_content: " 0.11 < 0.8." }),
      delta({ content: "9.8 is larger." }),
      delta({}, "stop", { usage: { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 } }),
    ]);
    assert.equal(response.content, "9.8 is larger.");
    assert.equal(response.reasoning, "9.11 < 9.8 because 0.11 < 0.8.");
    assert.deepStrictEqual(
      parts.filter((part) => part.type === "reasoning-delta").map((part) => (part as { text: string }).text),
      ["9.11 < 9.8 because", " 0.11 < 0.8."],
    );
  });

  it("message.reasoning_content in a full response (reasoning outputs)", async () => {
    const res = await whole(server, message({ content: "9.8", reasoning_content: "Compare decimals." }));
    assert.deepStrictEqual([res.content, res.reasoning], ["9.8", "Compare decimals."]);
  });

  it("usage in every chunk (continuous_usage_stats): the last one counts", async () => {
    const usage = (completion: number) => ({
      prompt_tokens: 7,
      completion_tokens: completion,
      total_tokens: 7 + completion,
    });
    const { response } = await streamed(server, [
      delta({ content: "a" }, null, { usage: usage(1) }),
      delta({ content: "b" }, null, { usage: usage(2) }),
      delta({}, "stop", { usage: usage(2) }),
    ]);
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [7, 2, 9]);
    assert.deepStrictEqual(response.warnings, []);
  });

  it('a named tool_choice stream that ends with finish_reason "stop" still yields the call (vllm PR #9209)', async () => {
    const { response } = await streamed(
      server,
      [
        delta({
          tool_calls: [
            {
              index: 0,
              id: "chatcmpl-tool-1",
              type: "function",
              function: { name: "get_weather", arguments: "" },
            },
          ],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
        delta({}, "stop"),
      ],
      { call: { tools: WEATHER_TOOL, tool_choice: { type: "function", function: { name: "get_weather" } } } },
    );
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(response.tool_calls[0]?.tool, {
      name: "get_weather",
      arguments: { city: "Oslo" },
    });
  });

  it("its error body (object: error, top-level message, numeric code) keeps the message (OpenAI-compatible server)", async () => {
    const res = await whole(
      server,
      {
        object: "error",
        message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
      { status: 400 },
    );
    assert.equal(res.error?.kind, "context_length_exceeded");
    assert.match(res.error?.message ?? "", /maximum context length is 4096 tokens/);
  });
});
