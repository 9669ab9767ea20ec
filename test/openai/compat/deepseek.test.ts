import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delta, message, streamed, WEATHER_TOOL, whole } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: DeepSeek's reasoning model guide (https://api-docs.deepseek.com/guides/reasoning_model:
// `reasoning_content` beside `content`, in deltas and messages), the chat completion reference
// (https://api-docs.deepseek.com/api/create-chat-completion: `prompt_cache_hit_tokens` and
// `prompt_cache_miss_tokens` in usage), error codes (https://api-docs.deepseek.com/quick_start/error_codes:
// 402 Insufficient Balance), and local servers that send tool-call arguments as an object.
describe("DeepSeek", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  const usage = {
    prompt_tokens: 20,
    completion_tokens: 30,
    total_tokens: 50,
    prompt_cache_hit_tokens: 16,
    prompt_cache_miss_tokens: 4,
    completion_tokens_details: { reasoning_tokens: 25 },
  };

  it("reasoning_content streams beside content, cache hits are cached_tokens (reasoning guide, reference)", async () => {
    const { response } = await streamed(server, [
      delta({ role: "assistant", content: null, reasoning_content: "" }),
      delta({ content: null, reasoning_content: "Think." }),
      delta({ content: "Answer.", reasoning_content: null }),
      delta({}, "stop", { usage }),
    ]);
    assert.deepStrictEqual([response.content, response.reasoning], ["Answer.", "Think."]);
    assert.deepStrictEqual([response.cached_tokens, response.reasoning_tokens], [16, 25]);
  });

  it("message.reasoning_content in a full response (reasoning guide)", async () => {
    const res = await whole(server, {
      ...message({ content: "Answer.", reasoning_content: "Think." }),
      usage,
    });
    assert.deepStrictEqual([res.content, res.reasoning, res.cached_tokens], ["Answer.", "Think.", 16]);
  });

  it("402 Insufficient Balance is quota_exceeded (error codes)", async () => {
    const res = await whole(
      server,
      {
        error: {
          message: "Insufficient Balance",
          type: "unknown_error",
          param: null,
          code: "invalid_request_error",
        },
      },
      { status: 402 },
    );
    assert.equal(res.error?.kind, "quota_exceeded");
  });

  it("tool-call arguments sent as a JSON object instead of a string are accepted, whole and streamed", async () => {
    const res = await whole(
      server,
      message(
        {
          content: null,
          tool_calls: [
            {
              id: "call_o",
              type: "function",
              function: { name: "get_weather", arguments: { city: "Kyiv" } },
            },
          ],
        },
        "tool_calls",
      ),
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(res.tool_calls[0]?.tool, { name: "get_weather", arguments: { city: "Kyiv" } });
    assert.equal(res.tool_calls[0]?.invalid, undefined);
    const { response } = await streamed(
      server,
      [
        delta({
          tool_calls: [
            { index: 0, id: "call_o", function: { name: "get_weather", arguments: { city: "Kyiv" } } },
          ],
        }),
        delta({}, "tool_calls"),
      ],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(response.tool_calls[0]?.tool.arguments, { city: "Kyiv" });
  });
});
