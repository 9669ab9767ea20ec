import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { LLMResponseStatus, type ResponseFormat, type StreamPart } from "../../src/index.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { FIXTURES_DIR, fixtureText } from "../helpers/fixtures.js";
import { json } from "../helpers/handlers.js";
import { seededRandom, splitRandomly, ssePieces } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

type Chunk = {
  system_fingerprint?: string | null;
  service_tier?: string | null;
  id?: string;
  model?: string;
  usage?: unknown;
  choices?: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null }>;
};

/** The recorded stream's chunks, and its bytes framed as SSE (NDJSON recordings get `data:` framing). */
function loadStream(name: string): { chunks: Chunk[]; bytes: Buffer } {
  const text = fixtureText(name);
  if (name.endsWith(".ndjson")) {
    const chunks = text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Chunk);
    return {
      chunks,
      bytes: Buffer.from(`${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("")}data: [DONE]\n\n`),
    };
  }
  const chunks = text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)) as Chunk);
  return { chunks, bytes: Buffer.from(text) };
}

/** The non-streaming body with the same content: choice 0's deltas joined, written out independently. */
function equivalentCompletion(chunks: Chunk[]): Record<string, unknown> {
  let content: string | null = null;
  let refusal: string | null = null;
  let finish_reason: string | null = null;
  const calls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }> = [];
  let usage: unknown;
  for (const item of chunks) {
    if (item.usage) usage = item.usage;
    for (const choice of item.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta as {
        content?: string | null;
        refusal?: string | null;
        tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
      };
      if (typeof delta.content === "string") content = (content ?? "") + delta.content;
      if (typeof delta.refusal === "string") refusal = (refusal ?? "") + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        calls[call.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } };
        const target = calls[call.index]!;
        if (call.id) target.id = call.id;
        if (call.function?.name) target.function.name = call.function.name;
        if (call.function?.arguments) target.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) finish_reason = choice.finish_reason;
    }
  }
  const message: Record<string, unknown> = { role: "assistant", content, refusal };
  if (calls.length > 0) message["tool_calls"] = calls;
  return {
    id: chunks[0]?.id,
    object: "chat.completion",
    model: chunks[0]?.model,
    // What every chunk repeats, as the non-streaming response carries it once.
    system_fingerprint: chunks.find((chunk) => chunk.system_fingerprint)?.system_fingerprint,
    service_tier: chunks.find((chunk) => chunk.service_tier)?.service_tier,
    choices: [{ index: 0, message, finish_reason }],
    usage,
  };
}

const streams = readdirSync(FIXTURES_DIR).filter(
  (name) => name.endsWith(".sse") || name.endsWith(".chunks.ndjson"),
);
const formats: Record<string, ResponseFormat> = {
  "stream-json-object.sse": { type: "json_object" },
  "stream-json-schema-n3-choices.sse": {
    type: "json_schema",
    json_schema: { name: "location", schema: { type: "object" } },
  },
  "stream-finish-reason-length.sse": {
    type: "json_schema",
    json_schema: { name: "location", schema: { type: "object" } },
  },
  "stream-refusal.sse": {
    type: "json_schema",
    json_schema: { name: "location", schema: { type: "object" } },
  },
};

describe("every recorded stream, split at random points, assembles to the non-streaming response", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("covers all eight recorded streams", () => {
    assert.equal(streams.length, 8);
  });

  for (const name of streams) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, seed ${seed}`, async () => {
        const { chunks, bytes } = loadStream(name);
        const llm = clientFor(server);
        const options = formats[name] ? { response_format: formats[name] } : {};

        server.script(json(200, equivalentCompletion(chunks)));
        const expected = await llm.chat_completions(HELLO, options);
        // The answer cut at max_tokens is not the JSON its schema asks for: both paths fail alike.
        const truncated = name === "stream-finish-reason-length.sse";
        assert.equal(
          expected.status,
          truncated ? LLMResponseStatus.ERROR : LLMResponseStatus.SUCCESS,
          expected.error?.message,
        );
        if (truncated)
          assert.deepStrictEqual(expected.error?.issues, [
            "output: the answer was cut off at the output limit (finish_reason length), so it is not complete JSON",
          ]);

        server.script(ssePieces(splitRandomly(bytes, seededRandom(seed))));
        const stream = llm.stream_chat_completions(HELLO, options);
        const parts: StreamPart[] = [];
        for await (const part of stream) parts.push(part);
        const response = await stream.response;

        // The whole normalized response, field for field (cost, attempts and warnings included).
        assert.deepStrictEqual(response, expected);
        assert.deepStrictEqual(server.requests[0]?.body, {
          ...(server.requests[0]?.body as object),
          stream: true,
          stream_options: { include_usage: true },
        });
        assert.equal(server.requests[0]?.headers["accept"], "text/event-stream");
        const text = parts.flatMap((part) => (part.type === "text-delta" ? [part.text] : [])).join("");
        assert.equal(text, response.content);
        assert.deepStrictEqual(
          parts.flatMap((part) => (part.type === "tool-call" ? [part.tool_call] : [])),
          response.tool_calls,
        );
        if (truncated) {
          assert.equal(parts.at(-1)?.type, "error");
          return;
        }
        assert.deepStrictEqual(parts.at(-1), {
          type: "finish",
          finish_reason: response.finish_reason,
          send_tokens: response.send_tokens,
          recv_tokens: response.recv_tokens,
          total_tokens: response.total_tokens,
        });
        assert.ok(response.total_tokens > 0, "usage chunk read");
      });
    }
  }
});
