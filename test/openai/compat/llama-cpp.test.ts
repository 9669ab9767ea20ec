import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../../../src/index.js";
import { delta, streamed, sseText } from "../../helpers/compat.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: llama.cpp PR #15444 (usage rode in the finish chunk, now in an extra chunk with
// `choices: []`), issue #14566 (HTTP 200, then the error inside the stream), darshi1337/apogee PR
// #139 (observed against llama-server: a role chunk with `content: null`, and `data: [DONE]` with no
// trailing blank line), simonw/llm PR #1507 (a top-level `timings` object on the final chunk).
describe("llama.cpp server", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
  const timings = {
    prompt_n: 9,
    prompt_ms: 12.5,
    predicted_n: 3,
    predicted_ms: 30.1,
    predicted_per_second: 99.6,
  };

  it("usage inside the finish chunk, with timings beside it (PR #15444, llm PR #1507)", async () => {
    const { response } = await streamed(server, [
      delta({ role: "assistant", content: null }),
      delta({ content: "Hi there" }),
      delta({}, "stop", { usage, timings }),
    ]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.content, "Hi there", "content: null is not text");
    assert.deepStrictEqual([response.send_tokens, response.recv_tokens], [9, 3]);
  });

  it("usage in a final chunk with choices: [] (current llama-server, PR #15444)", async () => {
    const { response } = await streamed(server, [
      delta({ content: "Hi" }),
      delta({}, "stop"),
      {
        id: "chatcmpl-compat",
        object: "chat.completion.chunk",
        model: "local-model",
        choices: [],
        usage,
        timings,
      },
    ]);
    assert.deepStrictEqual([response.total_tokens, response.finish_reason], [12, "stop"]);
  });

  it("data: [DONE] with no trailing blank line still ends the stream (apogee PR #139)", async () => {
    const text = `${sseText([delta({ content: "done" }), delta({}, "stop", { usage })], false)}data: [DONE]`;
    const { response } = await streamed(server, [], { text });
    assert.equal(response.status, LLMResponseStatus.SUCCESS, response.error?.message);
    assert.equal(response.content, "done");
  });

  it("HTTP 200 and then an error in the stream: the context error is typed, not retried (issue #14566)", async () => {
    const { response, parts } = await streamed(
      server,
      [
        {
          error: {
            code: 400,
            message: "the request exceeds the available context size, try increasing it",
            type: "exceed_context_size_error",
            n_prompt_tokens: 5000,
            n_ctx: 4096,
          },
        },
      ],
      { done: false, config: { max_retries: 2 } },
    );
    assert.equal(response.error?.kind, "context_length_exceeded");
    assert.equal(response.error?.attempts, 1);
    assert.equal(parts.at(-1)?.type, "error");
  });
});
