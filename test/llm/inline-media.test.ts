import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, type MediaDownload } from "../../src/index.js";
import { clientFor } from "../helpers/client.js";
import { ok } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const PDF = Buffer.from("%PDF-1.7\n% a tiny report\n");

describe("media by URL a provider cannot fetch: refused, or inlined by the caller's own download", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const messages = [
    {
      role: "user" as const,
      content: [
        { type: "text" as const, text: "Compare" },
        { type: "media" as const, url: "https://example.com/report.pdf", media_type: "application/pdf" },
        { type: "media" as const, url: "https://example.com/chart.png", media_type: "image/png" },
      ],
    },
  ];

  it("OpenAI refuses a PDF by URL before sending, and says how to inline it", async () => {
    server.script(ok());
    await assert.rejects(
      clientFor(server).chat_completions(messages),
      (error: InvalidArgumentError) =>
        error instanceof InvalidArgumentError &&
        /messages\[0\]\.content\[1\]: OpenAI cannot take application\/pdf by URL .*llm\.inline_media\(messages, download\)/.test(
          error.message,
        ),
    );
    assert.equal(server.requests.length, 0);
  });

  it("inline_media downloads only what the provider cannot fetch, with the caller's function, and the call goes out inline", async () => {
    server.script(ok());
    const llm = clientFor(server);
    const asked: string[] = [];
    const download: MediaDownload = async (url) => {
      asked.push(url);
      return { data: PDF };
    };
    const inlined = await llm.inline_media(messages, download);
    assert.deepStrictEqual(asked, ["https://example.com/report.pdf"], "the image URL is OpenAI's to fetch");
    assert.equal(
      (inlined[0]!.content as unknown[])[2],
      messages[0]!.content[2],
      "untouched parts stay the same objects",
    );
    const response = await llm.chat_completions(inlined);
    assert.equal(response.error, undefined);
    const sent = (server.requests[0]!.body as { messages: Array<{ content: unknown[] }> }).messages[0]!
      .content;
    assert.deepStrictEqual(sent[1], {
      type: "file",
      file: { filename: "document.pdf", file_data: `data:application/pdf;base64,${PDF.toString("base64")}` },
    });
    assert.deepStrictEqual(sent[2], {
      type: "image_url",
      image_url: { url: "https://example.com/chart.png" },
    });
  });

  it("a download that returns no bytes is a typed error naming the part", async () => {
    await assert.rejects(
      clientFor(server).inline_media(messages, async () => ({ data: "not bytes" as never })),
      (error: InvalidArgumentError) =>
        error instanceof InvalidArgumentError && /messages\[0\]\.content\[1\]/.test(error.message),
    );
  });
});
