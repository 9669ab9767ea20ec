import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod";
import { defineTool, LLMResponseStatus, type StreamPart } from "../../src/index.js";
import { TEST_KEY } from "../helpers/client.js";
import { geminiAnswer, geminiFor, geminiFrames } from "../helpers/gemini.js";
import { json, raw } from "../helpers/handlers.js";
import { sse, ssePieces } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const HI = [{ role: "user" as const, content: "hi" }];
const overloaded = json(503, {
  error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
});
const retryIn = (delay: string) =>
  json(429, {
    error: {
      code: 429,
      message: `Quota exceeded. Please retry in ${delay}.`,
      status: "RESOURCE_EXHAUSTED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel", quotaValue: "10" }],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay },
      ],
    },
  });
const textEvent = (
  text: string,
  finishReason?: string,
  usage = { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
) => ({
  candidates: [
    { content: { role: "model", parts: [{ text }] }, ...(finishReason ? { finishReason } : {}), index: 0 },
  ],
  usageMetadata: usage,
  modelVersion: "gemini-2.5-flash",
});

describe("GoogleAI faults: every one typed", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("503 overloaded, then 200: retried once", async () => {
    server.script(overloaded, json(200, geminiAnswer([{ text: "fine" }])));
    const res = await geminiFor(server, { max_retries: 2 }).chat_completions(HI);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual([res.content, res.attempts], ["fine", 2]);
  });

  it("429 with RetryInfo waits the retryDelay (no rate-limit headers), then 200", async () => {
    server.script(retryIn("0.3s"), json(200, geminiAnswer([{ text: "after the wait" }])));
    const res = await geminiFor(server, { max_retries: 0 }).chat_completions(HI);
    assert.equal(res.content, "after the wait");
    const waited = server.requests[1]!.receivedAt - server.requests[0]!.receivedAt;
    assert.ok(waited >= 250, `waited ${waited} ms`);
  });

  it("pacing learns from a 429's retryDelay: a call made during the pause waits it out too", async () => {
    server.script(retryIn("0.5s"), json(200, geminiAnswer([{ text: "ok" }])));
    const llm = geminiFor(server, { rate_limit: "auto", chat_model: "gemini-2.5-flash-paced" });
    const first = llm.chat_completions(HI);
    for (let tries = 0; tries < 100 && server.requests.length === 0; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await llm.chat_completions(HI);
    assert.equal(second.content, "ok");
    assert.equal((await first).content, "ok");
    const gaps = server.requests
      .slice(1)
      .map((request) => request.receivedAt - server.requests[0]!.receivedAt);
    assert.ok(
      gaps.every((gap) => gap >= 450),
      `sent ${gaps.join(", ")} ms after the 429`,
    );
  });

  it("a daily quota in QuotaFailure is quota_exceeded, never retried; 402 too", async () => {
    server.script(
      json(429, {
        error: {
          code: 429,
          message: "You exceeded your current quota",
          status: "RESOURCE_EXHAUSTED",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              violations: [
                { quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier", quotaValue: "250" },
              ],
            },
            { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" },
          ],
        },
      }),
    );
    const res = await geminiFor(server, { max_retries: 2 }).chat_completions(HI);
    assert.equal(res.error?.kind, "quota_exceeded");
    assert.equal(server.requests.length, 1);
    server.script(
      json(402, {
        error: { code: 402, message: "prepayment credits are depleted", status: "FAILED_PRECONDITION" },
      }),
    );
    assert.equal((await geminiFor(server).chat_completions(HI)).error?.kind, "quota_exceeded");
  });

  it("403 is permission_denied; 504 DEADLINE_EXCEEDED is a timeout", async () => {
    server.script(
      json(403, { error: { code: 403, message: "Permission denied", status: "PERMISSION_DENIED" } }),
    );
    assert.equal((await geminiFor(server).chat_completions(HI)).error?.kind, "permission_denied");
    server.script(
      json(504, { error: { code: 504, message: "Deadline exceeded", status: "DEADLINE_EXCEEDED" } }),
    );
    const timedOut = await geminiFor(server).chat_completions(HI);
    assert.equal(timedOut.error?.kind, "timeout");
    assert.equal(timedOut.error?.message, "504 DEADLINE_EXCEEDED: Deadline exceeded");
  });

  it("a stream cut before any finishReason is a retryable connection error with what arrived", async () => {
    server.script(sse(geminiFrames([textEvent("partial ")])));
    const stream = geminiFor(server).stream_chat_completions(HI);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const res = await stream.response;
    assert.equal(res.error?.kind, "connection");
    assert.equal(res.error?.message, "stream ended before completion (no finishReason)");
    assert.equal(res.content, "partial ");
    assert.deepStrictEqual(parts[0], { type: "text-delta", text: "partial " });
  });

  it("a cut stream is retried when nothing was delivered; never after a part", async () => {
    server.script(sse(""), sse(geminiFrames([textEvent("whole", "STOP")])));
    const res = await geminiFor(server, { max_retries: 1 }).stream_chat_completions(HI).response;
    assert.deepStrictEqual([res.content, res.attempts], ["whole", 2]);
  });

  it("a stalled stream fails on the idle timeout; the finishReason event ends a stream the server leaves open", async () => {
    server.script(ssePieces([Buffer.from(geminiFrames([textEvent("so far")]))], { stall: true }));
    const stalled = await geminiFor(server, { timeout: 0.3 }).stream_chat_completions(HI).response;
    assert.equal(stalled.error?.kind, "timeout");
    server.script(ssePieces([Buffer.from(geminiFrames([textEvent("done", "STOP")]))], { stall: true }));
    const ended = await geminiFor(server, { timeout: 5 }).stream_chat_completions(HI).response;
    assert.equal(ended.status, LLMResponseStatus.SUCCESS);
    assert.equal(ended.content, "done");
  });

  it("usage is the last event's, not a sum; parallel calls each arrive as a part", async () => {
    server.script(
      sse(
        geminiFrames([
          textEvent("a", undefined, { promptTokenCount: 15, candidatesTokenCount: 1, totalTokenCount: 16 }),
          {
            candidates: [
              {
                content: {
                  role: "model",
                  parts: [
                    { functionCall: { name: "weather", args: { city: "Oslo" } }, thoughtSignature: "c2ln" },
                    { functionCall: { name: "weather", args: { city: "Rome" } } },
                  ],
                },
                finishReason: "STOP",
              },
            ],
            usageMetadata: {
              promptTokenCount: 13,
              candidatesTokenCount: 9,
              thoughtsTokenCount: 4,
              totalTokenCount: 26,
            },
          },
        ]),
      ),
    );
    const stream = geminiFor(server).stream_chat_completions(HI, { tools: [{ name: "weather" }] });
    const calls: StreamPart[] = [];
    for await (const part of stream) if (part.type === "tool-call") calls.push(part);
    const res = await stream.response;
    assert.deepStrictEqual(
      [res.send_tokens, res.recv_tokens, res.reasoning_tokens, res.total_tokens],
      [13, 13, 4, 26],
    );
    assert.equal(calls.length, 2);
    assert.equal(res.finish_reason, "tool_calls");
    assert.equal(res.tool_calls[0]!.thought_signature, "c2ln");
    assert.notEqual(res.tool_calls[0]!.id, res.tool_calls[1]!.id);
    assert.match(res.tool_calls[1]!.id, /^call_[0-9a-f]{24}$/);
  });

  it("hostile bodies: HTML, truncated JSON, an error object in a 200 stream, a key echoed back", async () => {
    server.script(raw(200, "<html>oops</html>", { "content-type": "text/html" }));
    assert.equal((await geminiFor(server).chat_completions(HI)).error?.kind, "invalid_response");
    server.script(raw(200, '{"candidates": [{"content"', { "content-type": "application/json" }));
    assert.equal((await geminiFor(server).chat_completions(HI)).error?.kind, "invalid_response");
    server.script(
      sse(geminiFrames([{ error: { code: 500, message: "Internal error", status: "INTERNAL" } }])),
    );
    const streamed = await geminiFor(server).stream_chat_completions(HI).response;
    assert.equal(streamed.error?.kind, "server_error");
    server.script(
      json(400, {
        error: { code: 400, message: `API key not valid: ${TEST_KEY}`, status: "INVALID_ARGUMENT" },
      }),
    );
    const echoed = await geminiFor(server).chat_completions(HI);
    assert.ok(!echoed.error?.message.includes(TEST_KEY));
    assert.match(echoed.error?.message ?? "", /\[redacted\]/);
  });

  it("a server that ignores alt=sse and answers with one JSON body (or a JSON array) still streams", async () => {
    server.script(json(200, geminiAnswer([{ text: "one body" }])));
    assert.equal((await geminiFor(server).stream_chat_completions(HI).response).content, "one body");
    server.script(json(200, [textEvent("in "), textEvent("parts", "STOP")]));
    assert.equal((await geminiFor(server).stream_chat_completions(HI).response).content, "in parts");
  });
});

describe("the spec's examples and the tool loop on GoogleAI", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("JSON responses: content is the JSON text, parsed the object", async () => {
    server.script(json(200, geminiAnswer([{ text: '{"answer": 42}' }])));
    const res = await geminiFor(server).chat_completions([{ role: "user", content: "Return JSON" }], {
      response_format: { type: "json_object" },
    });
    assert.equal(res.content, '{"answer": 42}');
    assert.deepStrictEqual(res.parsed, { answer: 42 });
    const sent = server.requests[0]!.body as { generationConfig: Record<string, unknown> };
    assert.equal(sent.generationConfig["responseMimeType"], "application/json");
  });

  it("run_tools: calls without ids run, results (text) go back wrapped, named and matched, then the answer", async () => {
    server.script(
      json(
        200,
        geminiAnswer([
          { functionCall: { name: "get_data", args: { id: "42" } }, thoughtSignature: "c2ln" },
          { functionCall: { name: "get_data", args: { id: "7" } } },
        ]),
      ),
      json(200, geminiAnswer([{ text: "Both found." }])),
    );
    const run = await geminiFor(server).run_tools([{ role: "user", content: "get 42 and 7" }], {
      tools: [
        defineTool({
          name: "get_data",
          description: "Get data from source",
          parameters: z.object({ id: z.string() }),
          execute: ({ id }) => ({ id, found: true }),
        }),
      ],
    });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "Both found.");
    const second = server.requests[1]!.body as {
      contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    };
    const model = second.contents[1]!;
    const results = second.contents[2]!;
    assert.equal(model.role, "model");
    assert.equal(model.parts[0]!["thoughtSignature"], "c2ln");
    const ids = model.parts.map((part) => (part["functionCall"] as { id: string }).id);
    assert.deepStrictEqual(
      results.parts.map((part) => part["functionResponse"]),
      [
        { id: ids[0], name: "get_data", response: { result: '{"id":"42","found":true}' } },
        { id: ids[1], name: "get_data", response: { result: '{"id":"7","found":true}' } },
      ],
    );
  });

  it("stream_run_tools streams each step and validated structured output works", async () => {
    server.script(
      sse(
        geminiFrames([
          {
            candidates: [
              {
                content: { role: "model", parts: [{ functionCall: { name: "clock", args: {} } }] },
                finishReason: "STOP",
              },
            ],
          },
        ]),
      ),
      sse(geminiFrames([textEvent('{"time": '), textEvent('"noon"}', "STOP")])),
    );
    const stream = geminiFor(server).stream_run_tools([{ role: "user", content: "time?" }], {
      tools: [{ name: "clock", execute: () => "12:00" }],
    });
    const types: string[] = [];
    for await (const part of stream) types.push(part.type);
    const result = await stream.result;
    assert.equal(result.content, '{"time": "noon"}');
    assert.ok(types.includes("tool-start") && types.includes("tool-result") && types.includes("text-delta"));

    server.script(
      json(200, geminiAnswer([{ text: '{"time": 12}' }])),
      json(200, geminiAnswer([{ text: '{"time": "noon"}' }])),
    );
    const checked = await geminiFor(server).chat_completions([{ role: "user", content: "time?" }], {
      response_format: {
        type: "json_schema",
        json_schema: { name: "t", schema: z.object({ time: z.string() }) },
      },
      repair: 1,
    });
    assert.deepStrictEqual(checked.parsed, { time: "noon" });
    assert.equal(server.requests.length, 2);
    const sent = server.requests[0]!.body as {
      generationConfig: { responseJsonSchema: Record<string, unknown> };
    };
    assert.equal(sent.generationConfig.responseJsonSchema["$schema"], undefined);
  });
});
