import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus, OpenAI } from "../../../src/index.js";
import { HELLO, TEST_KEY } from "../../helpers/client.js";
import { delta, streamed, whole } from "../../helpers/compat.js";
import { completion, json } from "../../helpers/handlers.js";
import { type TestServer, useTestServer } from "../../helpers/test-server.js";

// Sources: Azure OpenAI REST reference (https://learn.microsoft.com/azure/ai-services/openai/reference:
// `api-key` header, `api-version` query, deployment path) and content filtering
// (https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter: the streamed
// `prompt_filter_results` chunk, `content_filter_results`, `finish_reason: "content_filter"`, the
// 400 `content_filter` error with `innererror`).
describe("Azure OpenAI", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("api-key auth and the api-version query on a deployment path (reference)", async () => {
    server.script(json(200, completion("hi")));
    const llm = new OpenAI({
      api_key: TEST_KEY,
      api_base: `${server.url}/openai/deployments/gpt-4o-prod?api-version=2024-10-21`,
      auth_header: "api-key",
      chat_model: "gpt-4o",
      rate_limit: false,
    });
    const res = await llm.chat_completions(HELLO);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    const request = server.requests[0]!;
    assert.equal(request.path, "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
    assert.equal(request.headers["api-key"], TEST_KEY);
    assert.equal(request.headers["authorization"], undefined);
  });

  it("a first chunk with choices: [] and prompt_filter_results, then a trailing filter chunk (content filtering)", async () => {
    const filters = {
      hate: { filtered: false, severity: "safe" },
      violence: { filtered: false, severity: "safe" },
    };
    const { response, parts } = await streamed(server, [
      {
        id: "",
        object: "",
        created: 0,
        model: "",
        choices: [],
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
      },
      delta({ role: "assistant", content: "" }, null, { model: "gpt-4o-2024-11-20" }),
      {
        ...delta({ content: "Hello" }, null, { model: "gpt-4o-2024-11-20" }),
        choices: [
          { index: 0, delta: { content: "Hello" }, finish_reason: null, content_filter_results: filters },
        ],
      },
      delta({}, "stop", { model: "gpt-4o-2024-11-20" }),
      {
        id: "",
        object: "",
        created: 0,
        model: "",
        choices: [
          {
            index: 0,
            finish_reason: null,
            delta: {},
            content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 5 },
            content_filter_results: filters,
          },
        ],
      },
    ]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS, response.error?.message);
    assert.equal(response.content, "Hello");
    assert.equal(response.model, "gpt-4o-2024-11-20", "the empty model of a filter chunk never erases it");
    assert.equal(response.finish_reason, "stop");
    assert.deepStrictEqual(
      parts.map((part) => part.type),
      ["text-delta", "finish"],
    );
  });

  it('finish_reason "content_filter" ends a filtered answer (content filtering)', async () => {
    const { response } = await streamed(server, [delta({ content: "Partial" }), delta({}, "content_filter")]);
    assert.equal(response.status, LLMResponseStatus.SUCCESS);
    assert.equal(response.finish_reason, "content_filter");
    assert.equal(response.content, "Partial");
  });

  it("a prompt refused by the filter: 400 content_filter with innererror is bad_request, not retried", async () => {
    const res = await whole(
      server,
      {
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: "prompt",
          code: "content_filter",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: { hate: { filtered: true, severity: "high" } },
          },
        },
      },
      { status: 400, config: { max_retries: 2 } },
    );
    assert.equal(res.error?.kind, "bad_request");
    assert.equal(res.error?.code, "content_filter");
    assert.equal(res.error?.attempts, 1);
    assert.match(res.error?.message ?? "", /^400 content_filter: The response was filtered/);
  });
});
