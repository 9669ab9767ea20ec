import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { FallbackLLM, LLMResponseStatus } from "../../src/index.js";
import { clientFor, HELLO, TEST_KEY } from "../helpers/client.js";
import { geminiFor } from "../helpers/gemini.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { TestServer, useTestServer } from "../helpers/test-server.js";

// A real OpenTelemetry SDK, in memory, registered for this test process only.
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
trace.setGlobalTracerProvider(tracerProvider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const reader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);
after(async () => {
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  context.disable();
});

const finished = (): ReadableSpan[] => spans.getFinishedSpans();
const attributesOf = (span: ReadableSpan) => span.attributes as Record<string, unknown>;

describe("OpenTelemetry GenAI spans and metrics", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("one chat span per call, with the conventions' request, response and usage attributes", async () => {
    spans.reset();
    server.script(json(200, completion("Hi")));
    const res = await clientFor(server).chat_completions(HELLO, {
      max_tokens: 50,
      temperature: 0.2,
      stop: "END",
    });
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    const [span] = finished();
    assert.equal(span?.name, "chat gpt-4o-mini");
    assert.equal(span?.kind, 2, "CLIENT");
    const port = Number(new URL(server.url).port);
    assert.deepStrictEqual(
      Object.fromEntries(
        Object.entries(attributesOf(span!)).filter(
          ([key]) => key.startsWith("gen_ai.") || key.startsWith("server."),
        ),
      ),
      {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "server.address": "127.0.0.1",
        "server.port": port,
        "gen_ai.request.max_tokens": 50,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 1,
        "gen_ai.request.stop_sequences": ["END"],
        "gen_ai.response.id": "chatcmpl-test",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 11,
        "gen_ai.usage.output_tokens": 7,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_creation.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
      },
    );
    assert.equal(attributesOf(span!)["director_llm.attempts"], 1);
    assert.equal(span?.status.code, 0, "unset: no error");
  });

  it("a retry is a span event with the attempt, the error kind and the wait; a failure sets error.type and ERROR", async () => {
    spans.reset();
    server.script(json(500, { error: { message: "boom" } }), json(200, completion("ok")));
    await clientFor(server).chat_completions(HELLO);
    const [span] = finished();
    const retry = span?.events.find((event) => event.name === "director_llm.retry");
    assert.deepStrictEqual(
      [
        retry?.attributes?.["director_llm.attempt"],
        retry?.attributes?.["error.type"],
        typeof retry?.attributes?.["director_llm.wait_ms"],
      ],
      [1, "server_error", "number"],
    );
    assert.equal(attributesOf(span!)["director_llm.attempts"], 2);
    spans.reset();
    server.script(json(401, { error: { message: `bad key ${TEST_KEY}`, code: "invalid_api_key" } }));
    await clientFor(server).chat_completions(HELLO);
    const [failed] = finished();
    assert.equal(attributesOf(failed!)["error.type"], "authentication");
    assert.equal(failed?.status.code, 2, "ERROR");
    const recorded = JSON.stringify([failed?.attributes, failed?.events, failed?.status, failed?.name]);
    assert.ok(!recorded.includes(TEST_KEY), "the key appears nowhere");
  });

  it("streams record the time to the first chunk; content is captured only when opted in", async () => {
    spans.reset();
    server.script(sse(frame([chunk({ content: "Hel" }), chunk({ content: "lo" }), chunk({}, "stop")])));
    await clientFor(server).stream_chat_completions(HELLO).response;
    const [span] = finished();
    assert.equal(typeof attributesOf(span!)["gen_ai.response.time_to_first_chunk"], "number");
    assert.equal(attributesOf(span!)["gen_ai.input.messages"], undefined);
    process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true";
    try {
      spans.reset();
      server.script(json(200, completion("Captured")));
      await clientFor(server).chat_completions(HELLO);
      const [captured] = finished();
      assert.equal(attributesOf(captured!)["gen_ai.input.messages"], JSON.stringify(HELLO));
      assert.match(String(attributesOf(captured!)["gen_ai.output.messages"]), /"content":"Captured"/);
    } finally {
      delete process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"];
    }
  });

  it("metrics: operation duration and token usage histograms with the conventions' attributes", async () => {
    server.script(json(200, completion("Hi")));
    await clientFor(server).chat_completions(HELLO);
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const names = all.map((metric) => metric.descriptor.name);
    assert.ok(
      names.includes("gen_ai.client.operation.duration") && names.includes("gen_ai.client.token.usage"),
      names.join(),
    );
    const tokens = all.find((metric) => metric.descriptor.name === "gen_ai.client.token.usage")!;
    const types = tokens.dataPoints.map((point) => point.attributes["gen_ai.token.type"]);
    assert.ok(types.includes("input") && types.includes("output"));
    assert.equal(tokens.descriptor.unit, "{token}");
  });

  it("a tool run: invoke_agent around it, each model call a chat child, each tool an execute_tool child", async () => {
    spans.reset();
    const answer = completion(null);
    (answer["choices"] as Array<Record<string, unknown>>)[0]!["message"] = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "echo", arguments: '{"text":"hi"}' } }],
    };
    server.script(json(200, answer), json(200, completion("done")));
    const run = await clientFor(server).run_tools(HELLO, {
      tools: [
        {
          name: "echo",
          parameters: { type: "object", properties: { text: { type: "string" } } },
          execute: ({ text }) => text,
        },
      ],
    });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    const all = finished();
    const agent = all.find((span) => span.name === "invoke_agent")!;
    const chats = all.filter((span) => span.name === "chat gpt-4o-mini");
    const tool = all.find((span) => span.name === "execute_tool echo")!;
    assert.equal(chats.length, 2);
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    assert.ok(
      chats.every((span) => parentOf(span) === agent.spanContext().spanId),
      "chat spans are children of the run",
    );
    assert.equal(parentOf(tool), agent.spanContext().spanId);
    assert.deepStrictEqual(
      [attributesOf(tool)["gen_ai.tool.name"], attributesOf(tool)["gen_ai.tool.call.id"]],
      ["echo", "c1"],
    );
  });
});

describe("OpenTelemetry: retries, waits, aborts, and where spans go", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("a call retried twice after 503s has two retry events and attempts 3", async () => {
    spans.reset();
    const unavailable = json(503, { error: { message: "busy" } });
    server.script(unavailable, unavailable, json(200, completion("ok")));
    const res = await clientFor(server).chat_completions(HELLO);
    assert.equal(res.attempts, 3);
    const [span] = finished();
    const retries = span!.events.filter((event) => event.name === "director_llm.retry");
    assert.deepStrictEqual(
      retries.map((event) => [event.attributes?.["director_llm.attempt"], event.attributes?.["error.type"]]),
      [
        [1, "server_error"],
        [2, "server_error"],
      ],
    );
    assert.equal(attributesOf(span!)["director_llm.retries"], 2);
  });

  it("a paced call that waited for budget has a rate_limit_wait event", async () => {
    const limited = {
      "x-ratelimit-limit-requests": "1",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "300ms",
    };
    server.script(json(200, completion("first"), limited), json(200, completion("second"), limited));
    const llm = clientFor(server, { rate_limit: "auto", api_key: `${TEST_KEY}-paced` });
    await llm.chat_completions(HELLO);
    spans.reset();
    await llm.chat_completions(HELLO);
    const [span] = finished();
    const wait = span!.events.find((event) => event.name === "director_llm.rate_limit_wait");
    assert.ok(Number(wait?.attributes?.["director_llm.wait_ms"]) >= 200, JSON.stringify(wait?.attributes));
    assert.equal(wait?.attributes?.["director_llm.budget.shared"], false);
  });

  it("an aborted stream ends its span with error.type aborted", async () => {
    spans.reset();
    server.script(sse(frame([chunk({ content: "partial" })], false), { stall: true }));
    const controller = new AbortController();
    const stream = clientFor(server).stream_chat_completions(HELLO, { signal: controller.signal });
    for await (const part of stream) if (part.type === "text-delta") controller.abort();
    await stream.response;
    const [span] = finished();
    assert.equal(attributesOf(span!)["error.type"], "aborted");
    assert.equal(span!.status.code, 2);
  });

  it("telemetry: false records nothing; given providers are used instead of the global ones", async () => {
    spans.reset();
    server.script(json(200, completion("quiet")));
    await clientFor(server, { telemetry: false }).chat_completions(HELLO);
    assert.equal(finished().length, 0);
    const own = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] });
    await clientFor(server, { telemetry: { tracer_provider: provider } }).chat_completions(HELLO);
    assert.equal(finished().length, 0);
    assert.deepStrictEqual(
      own.getFinishedSpans().map((span) => span.name),
      ["chat gpt-4o-mini"],
    );
    await provider.shutdown();
  });

  it("tool arguments and results go into execute_tool spans only when content capture is on", async () => {
    const answer = completion(null);
    (answer["choices"] as Array<Record<string, unknown>>)[0]!["message"] = {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "c9", type: "function", function: { name: "echo", arguments: '{"text":"secret-ish"}' } },
      ],
    };
    const echo = { name: "echo", execute: ({ text }: { text: string }) => `echo ${text}` };
    for (const capture of [false, true]) {
      spans.reset();
      if (capture) process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true";
      try {
        server.script(json(200, answer), json(200, completion("done")));
        await clientFor(server).run_tools(HELLO, { tools: [echo] });
      } finally {
        delete process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"];
      }
      const tool = attributesOf(finished().find((span) => span.name === "execute_tool echo")!);
      assert.deepStrictEqual(
        [tool["gen_ai.tool.call.arguments"], tool["gen_ai.tool.call.result"]],
        capture ? ['{"text":"secret-ish"}', "echo secret-ish"] : [undefined, undefined],
      );
    }
  });

  it("a Gemini call's span names the provider gcp.gemini, with the same usage attributes", async () => {
    spans.reset();
    server.script(
      json(200, {
        candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, finishReason: "STOP" }],
        usageMetadata: {
          promptTokenCount: 9,
          candidatesTokenCount: 2,
          thoughtsTokenCount: 3,
          totalTokenCount: 14,
        },
        modelVersion: "gemini-2.5-flash",
      }),
    );
    await geminiFor(server).chat_completions(HELLO);
    const attributes = attributesOf(finished()[0]!);
    assert.equal(attributes["gen_ai.provider.name"], "gcp.gemini");
    assert.equal(attributes["gen_ai.usage.input_tokens"], 9);
    assert.equal(attributes["gen_ai.usage.output_tokens"], 5);
    assert.deepStrictEqual(attributes["gen_ai.response.finish_reasons"], ["stop"]);
  });

  it("FallbackLLM: one chat span per member tried, under the call's fallback span, the failed one with its error", async () => {
    spans.reset();
    const second = await TestServer.start();
    try {
      server.script(json(503, { error: { message: "down", type: "server_error" } }));
      second.script(json(200, completion("from the second")));
      const llm = new FallbackLLM([clientFor(server, { max_retries: 0 }), clientFor(second)]);
      const res = await llm.chat_completions(HELLO);
      assert.equal(res.content, "from the second");
      const parent = finished().find((span) => span.name === "fallback")!;
      const chats = finished().filter((span) => span.name.startsWith("chat "));
      assert.equal(chats.length, 2);
      assert.ok(chats.every((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId));
      assert.deepStrictEqual(
        chats.map((span) => attributesOf(span)["error.type"]),
        ["server_error", undefined],
      );
    } finally {
      await second.close();
    }
  });

  it("an MCP tool's execute_tool span names its server and its own name there", async () => {
    spans.reset();
    const call = completion(null);
    const choice = (call["choices"] as Array<Record<string, unknown>>)[0]!;
    choice["message"] = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "videodb_search", arguments: "{}" } }],
    };
    choice["finish_reason"] = "tool_calls";
    server.script(json(200, call), json(200, completion("done")));
    await clientFor(server).run_tools(HELLO, {
      tools: [{ name: "videodb_search", mcp: { server: "videodb", name: "search" }, execute: () => "[]" }],
    });
    const tool = finished().find((span) => span.name === "execute_tool videodb_search")!;
    assert.equal(attributesOf(tool)["gen_ai.tool.type"], "extension");
    assert.equal(attributesOf(tool)["director_llm.mcp.server"], "videodb");
    assert.equal(attributesOf(tool)["director_llm.mcp.tool"], "search");
  });
});
