import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delta, streamed, WEATHER_TOOL } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: vercel/ai #1651 (Groq put a stream's usage under `x_groq.usage` in the last chunk),
// Portkey-AI/gateway #1338 (every delta carries `tool_calls: []`), vercel/ai PR #1838 (Groq streams
// a tool call whole, in one chunk).
describe("Groq", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("usage under x_groq in the last chunk counts (vercel/ai #1651)", async () => {
    const { response } = await streamed(server, [
      delta({ role: "assistant", content: "" }),
      delta({ content: "Hello" }),
      delta({}, "stop", {
        x_groq: {
          id: "req_01hy8",
          usage: {
            queue_time: 0.07,
            prompt_tokens: 23,
            prompt_time: 0.006,
            completion_tokens: 19,
            completion_time: 0.02,
            total_tokens: 42,
            total_time: 0.03,
          },
        },
      }),
    ]);
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens, response.total_tokens], [23, 19, 42]);
    assert.deepStrictEqual(response.warnings, []);
  });

  it("tool_calls: [] in every delta is no call (Portkey-AI/gateway #1338)", async () => {
    const { response } = await streamed(server, [
      delta({ role: "assistant", content: "", tool_calls: [] }),
      delta({ content: "Hi", tool_calls: [] }),
      delta({}, "stop"),
    ]);
    assert.equal(response.content, "Hi");
    assert.deepStrictEqual(response.tool_calls, []);
  });

  it("a tool call whole in one chunk, with index and finish_reason tool_calls (vercel/ai PR #1838)", async () => {
    const { response } = await streamed(
      server,
      [
        delta({
          tool_calls: [
            {
              index: 0,
              id: "call_g1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Lima"}' },
            },
          ],
        }),
        delta({}, "tool_calls"),
      ],
      { call: { tools: WEATHER_TOOL } },
    );
    assert.deepStrictEqual(
      response.tool_calls.map((call) => call.tool.arguments),
      [{ city: "Lima" }],
    );
    assert.equal(response.finish_reason, "tool_calls");
  });
});
