import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delta, message, streamed, whole } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: OpenRouter's streaming docs (https://openrouter.ai/docs/api-reference/streaming: SSE
// comments such as `: OPENROUTER PROCESSING` keep the connection alive; an error after the stream
// started comes as a chunk with a top-level `error` and `finish_reason: "error"`), reasoning
// tokens (https://openrouter.ai/docs/use-cases/reasoning-tokens: `delta.reasoning`,
// `message.reasoning`), errors (https://openrouter.ai/docs/api-reference/errors: 402 for
// insufficient credits, `{"error": {"code", "message", "metadata"}}`).
describe("OpenRouter", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("processing comments are ignored, reasoning comes as delta.reasoning (streaming, reasoning tokens)", async () => {
    const { response, parts } = await streamed(server, [
      ": OPENROUTER PROCESSING\n\n",
      delta({ role: "assistant", content: "", reasoning: "First, " }),
      ": OPENROUTER PROCESSING\n\n",
      delta({ reasoning: "check units." }),
      delta({ content: "Yes." }),
      delta({}, "stop", { usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } }),
    ]);
    assert.equal(response.content, "Yes.");
    assert.equal(response.reasoning, "First, check units.");
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["reasoning-delta", "reasoning-delta", "text-delta", "finish"],
    );
  });

  it("message.reasoning in a full response (reasoning tokens)", async () => {
    const res = await whole(server, message({ content: "Yes.", reasoning: "Checked units." }));
    assert.equal(res.reasoning, "Checked units.");
  });

  it("a mid-stream error chunk (finish_reason error) fails as the status its code names, keeping what arrived", async () => {
    const { response } = await streamed(
      server,
      [
        delta({ content: "Half an ans" }),
        {
          id: "gen-1",
          object: "chat.completion.chunk",
          model: "openai/gpt-4o",
          error: { code: 502, message: "Provider disconnected" },
          choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
        },
      ],
      { done: false },
    );
    assert.equal(response.error?.kind, "server_error");
    assert.equal(response.error?.message, "error event in stream: 502: Provider disconnected");
    assert.equal(response.content, "Half an ans");
  });

  it("402 insufficient credits is quota_exceeded, not retried (errors)", async () => {
    const res = await whole(
      server,
      {
        error: {
          code: 402,
          message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        },
      },
      { status: 402, config: { max_retries: 2 } },
    );
    assert.equal(res.error?.kind, "quota_exceeded");
    assert.equal(res.error?.attempts, 1);
  });
});
