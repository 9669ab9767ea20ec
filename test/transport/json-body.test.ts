import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { jsonBody } from "../../src/transport/json-body.js";
import { geminiAnswer, geminiFor } from "../helpers/gemini.js";
import { json } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const concat = (pieces: Iterable<Uint8Array>) => Buffer.concat([...pieces]).toString("utf8");

describe("jsonBody: large inline media is sent from where it is", () => {
  it("a small body is the JSON text", () => {
    const payload = { contents: [{ parts: [{ text: "héllo" }] }] };
    assert.equal(jsonBody(payload), JSON.stringify(payload));
  });

  it("a body with large base64 strings comes in pieces that add up to exactly the JSON text, every time", () => {
    const video = randomBytes(3 * 1024 * 1024 + 7).toString("base64");
    const image = randomBytes(1024 * 1024).toString("base64url");
    const payload = {
      contents: [
        {
          role: "user",
          parts: [{ text: 'Compare \u00e9 "these"' }, { inlineData: { mimeType: "video/mp4", data: video } }],
        },
        { role: "user", parts: [{ inlineData: { mimeType: "image/png", data: image } }] },
      ],
      generationConfig: { maxOutputTokens: 10 },
    };
    const body = jsonBody(payload);
    assert.ok(typeof body === "object", "pieces, not one string");
    const expected = JSON.stringify(payload);
    assert.equal(concat(body.pieces), expected);
    assert.equal(concat(body.pieces), expected, "iterated again (a retry) gives the same bytes");
    assert.equal(body.length, Buffer.byteLength(expected));
    assert.ok(
      [...body.pieces].every((piece) => piece.length <= 1024 * 1024),
      "no piece over 1 MiB",
    );
  });

  it("a large string that would need escaping is serialized as usual", () => {
    const text = `${"a".repeat(1024 * 1024)}"\n`;
    const payload = { messages: [{ content: text }] };
    const body = jsonBody(payload);
    const serialized = typeof body === "string" ? body : concat(body.pieces);
    assert.equal(serialized, JSON.stringify(payload));
  });
});

describe("a call with a large inline video sends it whole", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("GoogleAI: the server receives the exact base64 of a 3 MB clip, and once more on a retry", async () => {
    const clip = randomBytes(3 * 1024 * 1024);
    Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]).copy(clip, 0);
    server.script(
      json(503, { error: { code: 503, message: "busy", status: "UNAVAILABLE" } }),
      json(200, geminiAnswer([{ text: "A goal." }])),
    );
    const gemini = geminiFor(server, { max_retries: 1, retry: { initial_delay_ms: 5, max_delay_ms: 10 } });
    const response = await gemini.chat_completions([
      {
        role: "user",
        content: [
          { type: "text", text: "What happens?" },
          { type: "media", data: clip, media_type: "video/mp4" },
        ],
      },
    ]);
    assert.equal(response.content, "A goal.");
    assert.equal(server.requests.length, 2);
    for (const request of server.requests) {
      const body = request.body as { contents: Array<{ parts: Array<{ inlineData?: { data: string } }> }> };
      assert.equal(body.contents[0]!.parts[1]!.inlineData!.data, clip.toString("base64"));
    }
  });
});
