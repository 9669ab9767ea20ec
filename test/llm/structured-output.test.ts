import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod";
import { LLMResponseStatus } from "../../src/index.js";
import { claudeFor, claudeMessage } from "../helpers/claude.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const schema = {
  type: "object",
  properties: { city: { type: "string" }, date: { type: "string", format: "date" } },
  required: ["city", "date"],
  additionalProperties: false,
};
const format = { type: "json_schema" as const, json_schema: { name: "trip", schema, strict: true } };

describe("structured output is validated, not trusted", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("an answer that parses and validates is parsed", async () => {
    server.script(json(200, completion('{"city":"Oslo","date":"2026-12-03"}')));
    const res = await clientFor(server).chat_completions(HELLO, { response_format: format });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(res.parsed, { city: "Oslo", date: "2026-12-03" });
  });

  it("an answer that does not validate fails as invalid_output, with the content and the issues", async () => {
    server.script(json(200, completion('{"city":"Oslo","date":"tomorrow"}')));
    const res = await clientFor(server).chat_completions(HELLO, { response_format: format });
    assert.equal(res.status, LLMResponseStatus.ERROR);
    assert.equal(res.error?.kind, "invalid_output");
    assert.deepStrictEqual(res.error?.issues, ['output.date: String does not match format "date".']);
    assert.equal(res.content, '{"city":"Oslo","date":"tomorrow"}');
    assert.equal(res.parsed, undefined);
  });

  it("repair re-asks with the answer and the issues; the attempts' usage is counted", async () => {
    server.script(
      json(200, completion('{"city":"Oslo"}')),
      json(200, completion('{"city":"Oslo","date":"2026-12-03"}')),
    );
    const res = await clientFor(server).chat_completions(HELLO, { response_format: format, repair: 1 });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(res.parsed, { city: "Oslo", date: "2026-12-03" });
    assert.deepStrictEqual([res.send_tokens, res.recv_tokens, res.attempts], [22, 14, 2]);
    assert.deepStrictEqual(res.warnings, ["response_format: the answer matched the schema after 1 repair"]);
    const second = (server.requests[1]!.body as { messages: Array<{ role: string; content: string }> })
      .messages;
    assert.deepStrictEqual(second.slice(-2), [
      { role: "assistant", content: '{"city":"Oslo"}' },
      {
        role: "user",
        content:
          'That answer does not match the required JSON schema: output: Instance does not have required property "date". Reply again with only JSON that matches it.',
      },
    ]);
  });

  it("a Standard Schema (zod 4) is sent as JSON Schema and its output value is parsed", async () => {
    const trip = z.object({ city: z.string(), nights: z.number().int().min(1) });
    server.script(
      json(200, completion('{"city":"Oslo","nights":0}')),
      json(200, completion('{"city":"Oslo","nights":2}')),
    );
    const res = await clientFor(server).chat_completions(HELLO, {
      response_format: { type: "json_schema", json_schema: { name: "trip", schema: trip } },
      repair: 1,
    });
    const sent = (
      server.requests[0]!.body as { response_format: { json_schema: { schema: Record<string, unknown> } } }
    ).response_format.json_schema.schema;
    assert.equal(sent["type"], "object");
    assert.deepStrictEqual(res.parsed, { city: "Oslo", nights: 2 });
    assert.equal(res.attempts, 2);
  });

  it("on Claude too, through its forced tool", async () => {
    const trip = z.object({ city: z.string(), nights: z.number().int().min(1) });
    server.script(
      json(
        200,
        claudeMessage(
          [
            {
              type: "tool_use",
              id: "toolu_1",
              name: "json_response",
              input: { city: "Oslo", nights: "two" },
            },
          ],
          { input_tokens: 10, output_tokens: 5 },
        ),
      ),
    );
    const res = await claudeFor(server).chat_completions(HELLO, {
      response_format: { type: "json_schema", json_schema: { name: "trip", schema: trip } },
    });
    assert.equal(res.error?.kind, "invalid_output");
    assert.match(res.error?.issues[0] ?? "", /^output\.nights: /);
  });

  it("a schema that throws (a caller's bug, not a failed request): the stream's readers get the error", async () => {
    const broken = z.object({ city: z.string() }).refine(() => {
      throw new Error("a bug in the caller's refinement");
    });
    const options = {
      response_format: { type: "json_schema" as const, json_schema: { name: "place", schema: broken } },
    };
    server.script(sse(frame([chunk({ content: '{"city":"Oslo"}' }), chunk({}, "stop")])));
    const stream = clientFor(server).stream_chat_completions(HELLO, options);
    const parts: string[] = [];
    await assert.rejects(
      async () => {
        for await (const part of stream) parts.push(part.type);
      },
      { message: "a bug in the caller's refinement" },
    );
    // The text arrived; no finish part claims success, and the iteration does not end in silence.
    assert.deepStrictEqual(parts, ["text-delta"]);
    await assert.rejects(stream.response, { message: "a bug in the caller's refinement" });
    const again = clientFor(server).stream_chat_completions(HELLO, options);
    await assert.rejects(
      again.for_each(() => {}),
      { message: "a bug in the caller's refinement" },
    );
  });

  it("a stream is checked when it ends: an invalid answer ends with an error part", async () => {
    server.script(sse(frame([chunk({ content: '{"city":"Oslo"}' }), chunk({}, "stop")])));
    const stream = clientFor(server).stream_chat_completions(HELLO, { response_format: format });
    const parts = [];
    for await (const part of stream) parts.push(part.type);
    const res = await stream.response;
    assert.equal(res.error?.kind, "invalid_output");
    assert.deepStrictEqual(parts, ["text-delta", "error"]);
  });

  it("repair without a json_schema is a mistake", async () => {
    await assert.rejects(
      async () => clientFor(server).chat_completions(HELLO, { repair: 1 }),
      /repair: needs a json_schema/,
    );
  });
});

describe("a zod schema goes out strict, as the openai SDK's zodResponseFormat sends it", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const Scene = z.object({
    title: z.string(),
    mood: z.string().optional(),
    tags: z.array(z.object({ name: z.string() })),
  });

  it("every property required, optional ones nullable, no extra properties, strict: true; a null answer for an optional field validates", async () => {
    server.script(json(200, completion('{"title": "Vault", "mood": null, "tags": [{"name": "heist"}]}')));
    const res = await clientFor(server).chat_completions(HELLO, {
      response_format: { type: "json_schema", json_schema: { name: "scene", schema: Scene } },
    });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(res.parsed, { title: "Vault", tags: [{ name: "heist" }] });
    const sent = (
      server.requests[0]!.body as {
        response_format: { json_schema: { strict: boolean; schema: Record<string, unknown> } };
      }
    ).response_format.json_schema;
    assert.equal(sent.strict, true);
    assert.equal(sent.schema["additionalProperties"], false);
    assert.deepStrictEqual(sent.schema["required"], ["title", "mood", "tags"]);
    assert.deepStrictEqual((sent.schema["properties"] as Record<string, unknown>)["mood"], {
      type: ["string", "null"],
    });
    const item = (sent.schema["properties"] as Record<string, { items: Record<string, unknown> }>)["tags"]!
      .items;
    assert.equal(item["additionalProperties"], false);
  });

  it("strict: false sends the schema as zod gives it", async () => {
    server.script(json(200, completion('{"title": "Vault", "tags": []}')));
    await clientFor(server).chat_completions(HELLO, {
      response_format: { type: "json_schema", json_schema: { name: "scene", schema: Scene, strict: false } },
    });
    const sent = (
      server.requests[0]!.body as {
        response_format: { json_schema: { strict: boolean; schema: Record<string, unknown> } };
      }
    ).response_format.json_schema;
    assert.equal(sent.strict, false);
    assert.deepStrictEqual(sent.schema["required"], ["title", "tags"]);
  });
});
