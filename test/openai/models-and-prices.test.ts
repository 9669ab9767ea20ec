import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getModelInfo, OPENAI_MODELS, OPENAI_PRICES, PRICES_AS_OF } from "../../src/index.js";
import { countOpenAITokensAsync } from "../../src/openai/count-openai-tokens.js";
import { fitContextWindow } from "../../src/openai/fit-context-window.js";
import { costOf } from "../../src/openai/openai-prices.js";

describe("the model and price tables", () => {
  it("every model has a context window, a max output and a price; limits are consistent", () => {
    assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
    for (const [id, info] of Object.entries(OPENAI_MODELS)) {
      assert.equal(info.id, id);
      assert.ok(info.context_window >= info.max_output_tokens && info.max_output_tokens > 0, id);
      if (info.max_input_tokens !== undefined)
        assert.ok(info.max_input_tokens + info.max_output_tokens <= info.context_window, id);
      const price = OPENAI_PRICES[info.id];
      assert.ok(price !== undefined, `${id} has a price`);
      assert.ok(price.input > 0 && price.output > 0 && price.cached_input <= price.input, id);
    }
    assert.ok(["gpt-5.1", "gpt-5.2", "gpt-5.6"].every((id) => id in OPENAI_MODELS));
  });

  it("a model id is looked up among the table's own ids: dated ids resolve, Object.prototype's names do not", () => {
    assert.equal(getModelInfo("gpt-4o-2024-08-06")?.id, "gpt-4o");
    assert.equal(getModelInfo("gpt-4o-2024-08-06")?.id, "gpt-4o", "asked again: the remembered answer");
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      assert.equal(getModelInfo(name), undefined, name);
    // An unknown model is not checked against a context window (nothing is counted or refused).
    const payload = {
      model: "constructor",
      messages: [{ role: "user" as const, content: "hi" }],
      max_tokens: 10,
    };
    assert.equal(fitContextWindow({ payload, promptTokens: async () => 1, warnings: [] }), undefined);
  });

  it("a prompt over gpt-5.6's 272,000 tokens is priced at its long-context rates", () => {
    const short = costOf({ model: "gpt-5.6", send_tokens: 200_000, recv_tokens: 1_000, cached_tokens: 0 });
    const long = costOf({
      model: "gpt-5.6",
      send_tokens: 300_000,
      recv_tokens: 1_000,
      cached_tokens: 100_000,
    });
    assert.equal(short, (200_000 * 5 + 1_000 * 30) / 1e6);
    assert.equal(long, (200_000 * 10 + 100_000 * 1 + 1_000 * 45) / 1e6);
  });

  it("gpt-5's prompt limit (272,000 of a 400,000 window) refuses a longer prompt before sending", async () => {
    const payload = {
      model: "gpt-5",
      messages: [{ role: "user" as const, content: "word ".repeat(300_000) }],
      max_completion_tokens: 1_000,
    };
    await assert.rejects(
      async () => fitContextWindow({ payload, promptTokens: async () => 300_007, warnings: [] }),
      (error: Error & { kind?: string }) =>
        error.kind === "context_length_exceeded" &&
        error.message.startsWith(
          "This model's maximum prompt length is 272000 tokens. However, your messages resulted in more than 272000 tokens",
        ),
    );
    const fits = { ...payload, messages: [{ role: "user" as const, content: "word ".repeat(200_000) }] };
    await fitContextWindow({ payload: fits, promptTokens: async () => 200_007, warnings: [] });
    assert.equal(fits.max_completion_tokens, 1_000);
  });

  it("counting stops once past the limit: a 2 MB prompt is not counted to its end", async () => {
    const request = { messages: [{ role: "user" as const, content: "word ".repeat(400_000) }] };
    const limited = await countOpenAITokensAsync(request, "o200k_base", () => {}, 8_191);
    assert.ok(limited > 8_191 && limited < 8_191 + 70_000, `stopped at ${limited}`);
  });
});
