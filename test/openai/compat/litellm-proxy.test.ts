import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../../../src/index.js";
import { delta, streamed, WEATHER_TOOL, whole } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: litellm #33678 (its Ollama path sent every parallel tool call at index 0, each with its
// own id; fixed in PR #37792), smolagents PR #1958 (the same on the client side), litellm #12481
// (finish_reason "end_turn" from Ollama and Gemini), LiteLLM proxy's error shape
// (https://docs.litellm.ai/docs/proxy/debugging: `{"error": {"message", "type", "param", "code": "429"}}`
// with the status as a string code).
describe("LiteLLM proxy", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("parallel tool calls that all carry index 0, each with its own id, stay separate (litellm #33678)", async () => {
    const call = (id: string, city: string) => ({
      index: 0,
      id,
      type: "function",
      function: { name: "get_weather", arguments: `{"city": "${city}"}` },
    });
    const { response, parts } = await streamed(
      server,
      [
        delta({ tool_calls: [call("call_a", "Paris")] }),
        delta({ tool_calls: [call("call_b", "Rome")] }),
        delta({ tool_calls: [call("call_c", "Oslo")] }),
        delta({}, "tool_calls"),
      ],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(
      response.tool_calls.map((item) => [item.id, item.tool.name, item.tool.arguments]),
      [
        ["call_a", "get_weather", { city: "Paris" }],
        ["call_b", "get_weather", { city: "Rome" }],
        ["call_c", "get_weather", { city: "Oslo" }],
      ],
    );
    assert.equal(parts.filter((part) => part.type === "tool-call").length, 3);
  });

  it("split arguments of index-0 calls still join their own call (smolagents PR #1958)", async () => {
    const { response } = await streamed(
      server,
      [
        delta({
          tool_calls: [{ index: 0, id: "call_a", function: { name: "get_weather", arguments: '{"city":' } }],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }),
        delta({
          tool_calls: [{ index: 0, id: "call_b", function: { name: "get_weather", arguments: '{"city":' } }],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: ' "Rome"}' } }] }),
        delta({}, "tool_calls"),
      ],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(
      response.tool_calls.map((item) => item.tool.arguments),
      [{ city: "Paris" }, { city: "Rome" }],
    );
  });

  it('a finish_reason outside OpenAI\'s list ("end_turn") is passed through as sent (litellm #12481)', async () => {
    const { response } = await streamed(server, [delta({ content: "Hi" }), delta({}, "end_turn")]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.finish_reason, "end_turn");
  });

  it("its 429 with the status as a string code is a rate limit with the proxy's message (proxy error shape)", async () => {
    const res = await whole(
      server,
      {
        error: {
          message: "litellm.RateLimitError: Rate limit exceeded for key",
          type: "throttling_error",
          param: "None",
          code: "429",
        },
      },
      { status: 429 },
    );
    assert.equal(res.error?.kind, "rate_limit");
    assert.equal(res.error?.message, "429 429: litellm.RateLimitError: Rate limit exceeded for key");
  });
});
