import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { GoogleAI, InvalidArgumentError, type LLMError } from "../../src/index.js";
import { buildGeminiRequest } from "../../src/google/build-gemini-request.js";
import { GeminiFilesServer } from "../helpers/gemini-files-server.js";

const KEY = "gm-test-files-key-0123456789";
const CHUNK = 256 * 1024;
/** An MP4 header (an ftyp box) and then random bytes: about 1.1 MB, five chunks of 256 KiB. */
function videoBytes(size = 4 * CHUNK + 1234): Buffer {
  const bytes = randomBytes(size);
  Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]).copy(bytes, 0);
  return bytes;
}
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("GoogleAI.files: Gemini's Files API with resumable uploads", () => {
  let server: GeminiFilesServer;
  let directory: string;
  let gemini: GoogleAI;
  before(async () => {
    server = await GeminiFilesServer.start(KEY);
    directory = mkdtempSync(join(tmpdir(), "gemini-files-"));
    gemini = new GoogleAI({
      api_key: KEY,
      api_base: `${server.url}/v1beta`,
      allow_insecure_http: true,
      retry: { initial_delay_ms: 10, max_delay_ms: 50 },
    });
  });
  after(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  it("uploads a file from its path in chunks, waits until ACTIVE, and gives a part for a message", async () => {
    const bytes = videoBytes();
    const path = join(directory, "clip.mp4");
    writeFileSync(path, bytes);
    const progress: string[] = [];
    const file = await gemini.files.upload(path, {
      display_name: "clip",
      chunk_bytes: CHUNK,
      on_progress: (step) => progress.push(`${step.phase}:${step.state ?? step.sent_bytes}`),
    });
    assert.equal(file.state, "ACTIVE");
    assert.equal(file.media_type, "video/mp4", "read from the file's first bytes");
    assert.equal(file.size_bytes, bytes.length);
    assert.equal(file.display_name, "clip");
    assert.equal(server.digest(file.id), sha(bytes), "the server holds exactly the file's bytes");
    assert.deepStrictEqual(progress, [
      ...[1, 2, 3, 4].map((n) => `uploading:${n * CHUNK}`),
      `uploading:${bytes.length}`,
      "processing:PROCESSING",
      "processing:ACTIVE",
    ]);
    assert.deepStrictEqual(file.part, { type: "media", file: file.uri, media_type: "video/mp4" });
    // The key goes in a header on every request and never in a URL.
    for (const seen of server.seen) {
      assert.equal(seen.headers["x-goog-api-key"], KEY);
      assert.ok(!seen.url.includes(KEY) && !/[?&]key=/.test(seen.url), seen.url);
    }
    // Chunks are 256 KiB each (about one chunk in memory at a time), the last one finalizes.
    const chunks = server.seen.filter((seen) =>
      String(seen.headers["x-goog-upload-command"]).startsWith("upload"),
    );
    assert.deepStrictEqual(
      chunks.map((seen) => [seen.headers["x-goog-upload-command"], seen.bytes]),
      [...Array(4).fill(["upload", CHUNK]), ["upload, finalize", 1234]],
    );
    // The part goes out as Gemini's fileData.
    const request = buildGeminiRequest({
      messages: [{ role: "user", content: [{ type: "text", text: "What happens?" }, file.part] }],
      call: {},
      defaults: { chat_model: "gemini-2.5-flash", max_tokens: 100 },
      warnings: [],
    } as never);
    assert.deepStrictEqual(request.body.contents[0]!.parts[1], {
      fileData: { mimeType: "video/mp4", fileUri: file.uri },
    });
  });

  it("a connection cut in the middle of a chunk: the upload resumes from what the server has", async () => {
    const bytes = videoBytes();
    server.faults = { cutChunk: 2 };
    const file = await gemini.files.upload(bytes, { chunk_bytes: CHUNK, wait: false });
    assert.equal(file.state, "PROCESSING");
    assert.equal(server.digest(file.id), sha(bytes));
    const commands = server.seen.map((seen) => seen.headers["x-goog-upload-command"]).filter(Boolean);
    assert.deepStrictEqual(commands, [
      "start",
      "upload",
      "upload",
      "query",
      "upload",
      "upload",
      "upload, finalize",
    ]);
  });

  it("a 500 on one chunk is retried, and a stream of bytes resends the chunk it holds", async () => {
    const bytes = videoBytes();
    server.faults = { failChunk: 1 };
    async function* stream() {
      for (let offset = 0; offset < bytes.length; offset += 100_000)
        yield bytes.subarray(offset, offset + 100_000);
    }
    const file = await gemini.files.upload(
      { stream: stream(), size_bytes: bytes.length },
      { chunk_bytes: CHUNK, media_type: "video/mp4", wait: false },
    );
    assert.equal(server.digest(file.id), sha(bytes));
  });

  it("FAILED processing rejects with Gemini's reason; a file still PROCESSING at wait_timeout is a timeout", async () => {
    server.processing = { checks: 1, fails: true };
    await assert.rejects(
      gemini.files.upload(videoBytes(CHUNK), { chunk_bytes: CHUNK }),
      (error: LLMError) => {
        assert.equal(error.kind, "bad_request");
        assert.match(error.message, /could not process files\/\w+: the video could not be decoded/);
        return true;
      },
    );
    server.processing = { checks: 100, fails: false };
    await assert.rejects(
      gemini.files.upload(videoBytes(CHUNK), { chunk_bytes: CHUNK, wait_timeout: 0.5 }),
      (error: LLMError) => {
        assert.equal(error.kind, "timeout");
        assert.match(error.message, /was still PROCESSING after 0.5 s \(wait_timeout\)/);
        return true;
      },
    );
  });

  it("an upload session on another origin is refused before any byte goes there", async () => {
    server.faults = { sessionOrigin: "http://localhost:9" };
    await assert.rejects(
      gemini.files.upload(videoBytes(CHUNK), { chunk_bytes: CHUNK }),
      (error: LLMError) => {
        assert.equal(error.kind, "invalid_response");
        assert.match(error.message, /another origin \(http:\/\/localhost:9\)/);
        return true;
      },
    );
  });

  it("bad input is a typed error before anything is sent", async () => {
    await assert.rejects(gemini.files.upload(Buffer.from("plain text")), InvalidArgumentError);
    await assert.rejects(
      gemini.files.upload(videoBytes(CHUNK), { media_type: "image/png" }),
      /says image\/png/,
    );
    await assert.rejects(gemini.files.upload(videoBytes(CHUNK), { chunk_bytes: 1000 }), /multiple of 262144/);
    await assert.rejects(gemini.files.upload(join(directory, "missing.mp4")), /cannot be read: ENOENT/);
    assert.equal(server.seen.length, 0);
  });

  it("an aborted upload stops with `aborted`", async () => {
    const controller = new AbortController();
    const upload = gemini.files.upload(videoBytes(), {
      chunk_bytes: CHUNK,
      signal: controller.signal,
      on_progress: () => controller.abort(),
    });
    await assert.rejects(upload, (error: LLMError) => error.kind === "aborted");
  });

  it("get, list and delete, by resource name or URI", async () => {
    const file = await gemini.files.upload(videoBytes(CHUNK), { chunk_bytes: CHUNK, wait: false });
    assert.equal((await gemini.files.get(file.uri)).id, file.id);
    const { files } = await gemini.files.list({ page_size: 10 });
    assert.ok(files.some((listed) => listed.id === file.id));
    await gemini.files.delete(file.id);
    await assert.rejects(gemini.files.get(file.id), (error: LLMError) => error.status_code === 404);
  });
});
