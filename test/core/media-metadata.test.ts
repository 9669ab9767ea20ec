import assert from "node:assert/strict";
import { crc32, deflateSync } from "node:zlib";
import { describe, it } from "node:test";
import { anthropicImageTokens } from "../../src/anthropic/count-anthropic-tokens.js";
import { base64Bytes, imageSize, mediaDuration } from "../../src/core/media-metadata.js";
import { estimateGeminiTokens, geminiImageTokens } from "../../src/google/count-gemini-tokens.js";
import { openaiImageTokens } from "../../src/openai/openai-image-tokens.js";

/** A valid PNG of `width` x `height` black RGB pixels. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc((width * 3 + 1) * height));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", rows),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG's segments up to its frame header: SOI, APP0 (JFIF), an EXIF-sized APP1, SOF0, EOI. */
function jpeg(width: number, height: number): Buffer {
  const segment = (marker: number, data: Buffer) => {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(data.length + 2);
    return Buffer.concat([Buffer.from([0xff, marker]), length, data]);
  };
  const frame = Buffer.from([
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", "latin1")),
    segment(0xe1, Buffer.alloc(30_000)),
    segment(0xc0, frame),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A PCM WAV of `seconds` of silence at 8 kHz, 16-bit mono. */
function wav(seconds: number): Buffer {
  const data = Buffer.alloc(16_000 * seconds);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** An MP4's box structure: ftyp, mdat (first, as a camera writes it), then moov with mvhd. */
function mp4(seconds: number, version: 0 | 1 = 0): Buffer {
  const box = (type: string, body: Buffer) => {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(body.length + 8);
    return Buffer.concat([size, Buffer.from(type, "ascii"), body]);
  };
  const mvhd = Buffer.alloc(version === 1 ? 112 : 100);
  mvhd[0] = version;
  if (version === 1) {
    mvhd.writeUInt32BE(600, 20);
    mvhd.writeUInt32BE(0, 24);
    mvhd.writeUInt32BE(600 * seconds, 28);
  } else {
    mvhd.writeUInt32BE(1000, 12);
    mvhd.writeUInt32BE(1000 * seconds, 16);
  }
  return Buffer.concat([
    box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2mp41", "latin1")),
    box("mdat", Buffer.alloc(50_000)),
    box(
      "moov",
      Buffer.concat([mvhd.length ? box("mvhd", mvhd) : Buffer.alloc(0), box("trak", Buffer.alloc(40))]),
    ),
  ]);
}

describe("media headers: sizes and durations without decoding the file", () => {
  it("reads an image's size from PNG, JPEG (past a 30 KB EXIF segment), GIF and WebP headers, as bytes or base64", () => {
    assert.deepStrictEqual(imageSize(png(1000, 600)), { width: 1000, height: 600 });
    assert.deepStrictEqual(imageSize(png(1000, 600).toString("base64")), { width: 1000, height: 600 });
    assert.deepStrictEqual(imageSize(jpeg(4032, 3024).toString("base64")), { width: 4032, height: 3024 });
    const gif = Buffer.from("GIF89a\x40\x01\xf0\x00\0\0\0", "latin1");
    assert.deepStrictEqual(imageSize(gif), { width: 320, height: 240 });
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0);
    webp.write("WEBPVP8X", 8);
    webp.writeUIntLE(1919, 24, 3);
    webp.writeUIntLE(1079, 27, 3);
    assert.deepStrictEqual(imageSize(webp), { width: 1920, height: 1080 });
  });

  it("truncated or lying headers give no size rather than a wrong one", () => {
    assert.equal(imageSize(png(100, 100).subarray(0, 20)), undefined);
    assert.equal(imageSize(jpeg(640, 480).subarray(0, 100)), undefined, "the frame header is cut off");
    assert.equal(imageSize(Buffer.from("%PDF-1.7 not an image")), undefined);
    assert.equal(
      imageSize(Buffer.from([0xff, 0xd8, 0x00, 0x00])),
      undefined,
      "a JPEG start without segments",
    );
    assert.equal(mediaDuration(wav(1).subarray(0, 30)), undefined);
    const clip = mp4(5);
    assert.equal(mediaDuration(clip.subarray(0, clip.length - 150)), undefined, "moov cut off");
  });

  it("reads a clip's duration from a WAV header and an MP4's moov/mvhd (versions 0 and 1), even after a large mdat", () => {
    assert.equal(mediaDuration(wav(3)), 3);
    assert.equal(mediaDuration(mp4(12)), 12);
    assert.equal(mediaDuration(mp4(7, 1).toString("base64")), 7);
  });

  it("decodes only the base64 slices it reads, at any offset", () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, index) => index));
    const read = base64Bytes(bytes.toString("base64"));
    for (const [start, end] of [
      [0, 10],
      [1, 5],
      [37, 64],
      [95, 120],
    ] as const)
      assert.deepStrictEqual([...read(start, end)], [...bytes.subarray(start, end)]);
  });
});

describe("media tokens by each provider's rule, from the image's real size", () => {
  const dataUrl = (bytes: Buffer, type = "image/png") => `data:${type};base64,${bytes.toString("base64")}`;

  it("OpenAI: 85 + 170 per 512 px tile after fitting 2048 and a 768 shorter side; low detail 85", () => {
    assert.equal(openaiImageTokens({ url: dataUrl(png(1024, 1024)) }), 765);
    assert.equal(openaiImageTokens({ url: dataUrl(jpeg(2048, 4096), "image/jpeg"), detail: "high" }), 1105);
    assert.equal(openaiImageTokens({ url: dataUrl(png(300, 200)) }), 255);
    assert.equal(openaiImageTokens({ url: dataUrl(png(4000, 4000)), detail: "low" }), 85);
    assert.equal(openaiImageTokens({ url: "https://example.com/cat.png" }), 255, "a URL: one tile");
  });

  it("Claude: width x height / 750 after the 1568 px and 1.15 MP resize", () => {
    const block = (bytes: Buffer) =>
      ({
        type: "image",
        source: { type: "base64", media_type: "image/png", data: bytes.toString("base64") },
      }) as never;
    assert.equal(anthropicImageTokens(block(png(200, 200))), 54);
    assert.equal(anthropicImageTokens(block(png(1000, 1000))), 1334);
    assert.equal(anthropicImageTokens(block(png(4000, 3000))), 1534, "scaled to 1.15 MP");
    assert.equal(
      anthropicImageTokens({ type: "image", source: { type: "url", url: "https://x/y.png" } } as never),
      1600,
    );
  });

  it("Gemini: 258 up to 384 px, else 258 per 768 px tile; 263 per second of video and 32 of audio", () => {
    assert.equal(geminiImageTokens(png(384, 300).toString("base64")), 258);
    assert.equal(geminiImageTokens(png(1000, 1000).toString("base64")), 1032);
    const clip = (data: Buffer, mimeType: string) =>
      estimateGeminiTokens({
        contents: [{ role: "user", parts: [{ inlineData: { mimeType, data: data.toString("base64") } }] }],
      });
    assert.equal(clip(mp4(10), "video/mp4"), 2630);
    assert.equal(clip(wav(2), "audio/wav"), 64);
  });
});
