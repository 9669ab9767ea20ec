import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { buildOpenAIRequest } from "../../src/openai/build-openai-request.js";

const defaults = { chat_model: "gpt-4o", max_tokens: 100, temperature: 0.9, top_p: 1 };
const image = (url: string) => ({ type: "image_url", image_url: { url } });
const build = (content: unknown[], openaiLimits = true) =>
  buildOpenAIRequest({ messages: [{ role: "user", content } as never], call: {}, defaults, openaiLimits });

describe("OpenAI's documented media limits, checked before sending", () => {
  it("at most 500 images per request: the 501st is named", () => {
    const many = Array.from({ length: 501 }, () => image("https://example.com/a.png"));
    assert.throws(
      () => build(many),
      (error: InvalidArgumentError) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(
          error.message,
          "Invalid argument messages[0].content[500]: is image 501: OpenAI takes at most 500 images per request",
        );
        return true;
      },
    );
    assert.equal(build(many.slice(0, 500)).messages.length, 1);
  });

  it("inline images only as PNG, JPEG, WebP or GIF, and at most 50 MB of them", () => {
    assert.throws(
      () => build([image("data:image/bmp;base64,Qk0=")]),
      /content\[0\]: OpenAI takes PNG, JPEG, WebP or GIF images, not image\/bmp/,
    );
    const big = `data:image/png;base64,${"A".repeat(36 * 1024 * 1024)}`; // 27 MB decoded
    assert.throws(
      () => build([image(big), image(big)]),
      /content\[1\]: brings the inline images to 54\.0 MB, over OpenAI's 50 MB per request/,
    );
    assert.equal(build([image(big)]).messages.length, 1);
  });

  it("at most 32 MB of inline PDFs, pointing at the Files API", () => {
    const pdf = {
      type: "file",
      file: { filename: "a.pdf", file_data: `data:application/pdf;base64,${"A".repeat(44 * 1024 * 1024)}` },
    };
    assert.throws(
      () => build([pdf]),
      /content\[0\]: brings the inline PDFs to 33\.0 MB, over OpenAI's 32 MB per request; upload it/,
    );
  });

  it("other OpenAI-compatible servers set their own limits: nothing is refused there", () => {
    const many = Array.from({ length: 501 }, () => image("data:image/bmp;base64,Qk0="));
    assert.equal(build(many, false).messages.length, 1);
  });
});
