import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, NO_USAGE_WARNING } from "../../../src/index.js";
import { delta, message, streamed, WEATHER_TOOL, whole } from "../../helpers/compat.js";
import { raw } from "../../helpers/handlers.js";
import { clientFor, HELLO } from "../../helpers/client.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

const CALL = {
  index: 0,
  id: "call_k3j",
  type: "function",
  function: { name: "get_weather", arguments: '{"city":"Paris"}' },
};

describe("Ollama (OpenAI-compatible /v1)", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it('a tool call delivered whole in one chunk, ending with finish_reason "stop" (ollama PR #7963)', async () => {
    const { response, parts } = await streamed(
      server,
      [delta({ role: "assistant", content: "", tool_calls: [CALL] }), delta({ content: "" }, "stop")],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.finish_reason, "stop", "the server's own value, as sent");
    assert.deepStrictEqual(response.tool_calls, [
      { id: "call_k3j", type: "function", tool: { name: "get_weather", arguments: { city: "Paris" } } },
    ]);
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["tool-call", "finish"],
    );
  });

  it("tool calls in a chunk of their own, the done chunk separate (litellm #35663, PR #20585)", async () => {
    const { response } = await streamed(
      server,
      [
        delta({ tool_calls: [CALL] }),
        delta({
          tool_calls: [
            {
              ...CALL,
              index: 1,
              id: "call_x9",
              function: { name: "get_weather", arguments: '{"city":"Rome"}' },
            },
          ],
        }),
        delta({}, "tool_calls"),
      ],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(
      response.tool_calls.map((call) => [call.id, call.tool.arguments]),
      [
        ["call_k3j", { city: "Paris" }],
        ["call_x9", { city: "Rome" }],
      ],
    );
  });

  it("a stream without usage (older Ollama ignores stream_options) succeeds with 0 tokens and says so", async () => {
    const { response } = await streamed(server, [delta({ content: "Hi" }), delta({}, "stop")]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [0, 0, 0]);
    assert.deepStrictEqual(response.warnings, [NO_USAGE_WARNING]);
  });

  it("a model that is not pulled: 404 api_error is model_not_found, with Ollama's message (ollama openai.go)", async () => {
    const res = await whole(
      server,
      {
        error: {
          message: 'model "llama9" not found, try pulling it first',
          type: "api_error",
          param: null,
          code: null,
        },
      },
      { status: 404 },
    );
    assert.equal(res.error?.kind, "model_not_found");
    assert.equal(res.error?.message, '404: model "llama9" not found, try pulling it first');
  });

  it("api_base without /v1: Go's plain-text 404 page not found is bad_request with a hint to check api_base", async () => {
    server.script(raw(404, "404 page not found", { "content-type": "text/plain" }));
    const res = await clientFor(server).chat_completions(HELLO);
    assert.equal(res.error?.kind, "bad_request");
    assert.equal(res.error?.message, "404: 404 page not found (check api_base: the server has no such path)");
  });

  it("reasoning models' thinking arrives as delta.reasoning, kept out of content (ollama OpenAI compatibility docs)", async () => {
    const { response } = await streamed(server, [
      delta({ reasoning: "Let me think." }),
      delta({ content: "42" }),
      delta({}, "stop"),
    ]);
    assert.equal(response.content, "42");
    assert.equal(response.reasoning, "Let me think.");
  });

  it("the non-streaming answer carries the same tool call", async () => {
    const res = await whole(server, message({ content: "", tool_calls: [CALL] }, "tool_calls"), {
      call: { tools: WEATHER_TOOL },
    });
    assert.deepStrictEqual(res.tool_calls[0]?.tool, { name: "get_weather", arguments: { city: "Paris" } });
  });
});
