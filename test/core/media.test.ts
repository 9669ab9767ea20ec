import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, tool_result_parts } from "../../src/index.js";
import { convertToAnthropicMessages } from "../../src/anthropic/convert-to-anthropic-messages.js";
import { convertToOpenAIMessages } from "../../src/openai/convert-to-openai-messages.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
const refuses = (argument: string, pattern: RegExp) => (error: unknown) =>
  error instanceof InvalidArgumentError && error.argument === argument && pattern.test(error.message);

describe("one media part, mapped per provider (pure)", () => {
  const parts = [
    { type: "media", data: PNG, media_type: "image/png" },
    { type: "media", url: "https://example.test/frame.jpg", media_type: "image/jpeg" },
    { type: "media", data: "UklGRg==", media_type: "audio/wav" },
    { type: "media", url: `data:application/pdf;base64,${PDF.toString("base64")}` },
  ];

  it("OpenAI: image_url (inline as a data: URL), input_audio, and a PDF as a file", () => {
    const [message] = convertToOpenAIMessages([{ role: "user", content: parts }]);
    assert.deepStrictEqual(message!.content, [
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG.toString("base64")}` } },
      { type: "image_url", image_url: { url: "https://example.test/frame.jpg" } },
      { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
      {
        type: "file",
        file: {
          filename: "document.pdf",
          file_data: `data:application/pdf;base64,${PDF.toString("base64")}`,
        },
      },
    ]);
  });

  it("Claude: image and document blocks, base64 or URL", () => {
    const { messages } = convertToAnthropicMessages([
      { role: "user", content: [parts[0]!, parts[1]!, parts[3]!] },
    ]);
    assert.deepStrictEqual(messages[0]!.content, [
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG.toString("base64") } },
      { type: "image", source: { type: "url", url: "https://example.test/frame.jpg" } },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: PDF.toString("base64") },
      },
    ]);
  });

  it("a kind a provider cannot take is refused before sending, naming the part and what would work", () => {
    const video = { type: "media", url: "https://youtu.be/x", media_type: "video/mp4" };
    assert.throws(
      () =>
        convertToOpenAIMessages([
          { role: "user", content: "see" },
          { role: "user", content: [{ type: "text", text: "clip:" }, video] },
        ]),
      refuses(
        "messages[1].content[1]",
        /OpenAI cannot take video\/mp4 by URL .* use GoogleAI for video, or send video frames as images/,
      ),
    );
    assert.throws(
      () => convertToAnthropicMessages([{ role: "user", content: [video] }]),
      refuses(
        "messages[0].content[0]",
        /Claude cannot take video\/mp4 .* use GoogleAI for video and audio, or send video frames as images/,
      ),
    );
    assert.throws(
      () => convertToAnthropicMessages([{ role: "user", content: [parts[2]!] }]),
      refuses("messages[0].content[0]", /Claude cannot take audio\/wav/),
    );
  });

  it("tool results with media: Claude gets image blocks, OpenAI a text description", () => {
    const history = [
      { role: "user" as const, content: "show me" },
      {
        role: "assistant" as const,
        content: "",
        tool_calls: [{ id: "t1", tool: { name: "frame", arguments: {} }, type: "function" as const }],
      },
      {
        role: "tool" as const,
        tool_call_id: "t1",
        content: tool_result_parts([{ type: "text", text: "frame 1:" }, parts[0]!]).parts,
      },
    ];
    const openai = convertToOpenAIMessages(history);
    assert.equal(openai[2]!.content, "frame 1:\n[image: image/png, 70 bytes]");
    const claude = convertToAnthropicMessages(history);
    const result = claude.messages[2]!.content[0] as { content: Array<{ type: string }> };
    assert.deepStrictEqual(
      result.content.map((block) => block.type),
      ["text", "image"],
    );
  });

  it("media types are sniffed from the first bytes: used when none is given, a lie refused, truncated or unknown bytes keep the declared type", () => {
    const wav = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WAVEfmt ")]);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(8)]);
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00");
    const sniff = (data: Buffer) => {
      const [message] = convertToOpenAIMessages([{ role: "user", content: [{ type: "media", data }] }]);
      return (message!.content as Array<Record<string, unknown>>)[0]! as Record<
        string,
        { url?: string; format?: string }
      >;
    };
    assert.match(sniff(PNG)["image_url"]!.url!, /^data:image\/png;base64,/);
    assert.match(sniff(jpeg)["image_url"]!.url!, /^data:image\/jpeg;base64,/);
    assert.match(sniff(gif)["image_url"]!.url!, /^data:image\/gif;base64,/);
    assert.equal(sniff(wav)["input_audio"]!.format, "wav");
    assert.throws(
      () => convertToOpenAIMessages([{ role: "user", content: [{ type: "media", data: mp4 }] }]),
      refuses("messages[0].content[0]", /OpenAI cannot take video\/mp4/),
    );
    assert.throws(
      () =>
        convertToOpenAIMessages([
          { role: "user", content: [{ type: "media", data: PNG, media_type: "image/jpeg" }] },
        ]),
      refuses("messages[0].content[0].media_type", /says image\/jpeg but the bytes are image\/png/),
    );
    assert.throws(
      () =>
        convertToOpenAIMessages([
          { role: "user", content: [{ type: "media", data: Buffer.from("plain text") }] },
        ]),
      refuses("messages[0].content[0].media_type", /is required: the bytes are of no kind recognized/),
    );
    // A truncated header (3 bytes of PNG) says nothing: the declared type stands.
    const [truncated] = convertToOpenAIMessages([
      { role: "user", content: [{ type: "media", data: PNG.subarray(0, 3), media_type: "image/png" }] },
    ]);
    assert.match(
      (truncated!.content as Array<{ image_url: { url: string } }>)[0]!.image_url.url,
      /^data:image\/png;base64,iVBO/,
    );
  });

  it("Claude's documented limits are checked before sending: 5 MB per image, 100 images per request", () => {
    const big = Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]);
    assert.throws(
      () =>
        convertToAnthropicMessages([
          { role: "user", content: [{ type: "media", data: big, media_type: "image/png" }] },
        ]),
      refuses("messages[0].content[0]", /the image is 6\.0 MB, over Claude's 5 MB per image/),
    );
    const many = Array.from({ length: 101 }, () => ({ type: "media", data: PNG, media_type: "image/png" }));
    assert.throws(
      () => convertToAnthropicMessages([{ role: "user", content: many }]),
      refuses("messages", /holds 101 images, over Claude's 100 per request/),
    );
  });
});
