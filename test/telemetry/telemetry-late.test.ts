import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { LLMResponseStatus } from "../../src/index.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

// A process of its own (node's test runner runs each file apart): nothing is registered with
// OpenTelemetry until the test registers an SDK, after the client has already made calls.
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

describe("OpenTelemetry registered after the client's first calls", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  after(() => provider.shutdown());

  it("records nothing while nothing is registered, then records the calls made once an SDK is", async () => {
    const llm = clientFor(server);
    assert.equal((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL], undefined);
    server.script(json(200, completion("before")));
    assert.equal((await llm.chat_completions(HELLO)).status, LLMResponseStatus.SUCCESS);
    assert.equal(trace.setGlobalTracerProvider(provider), true);
    server.script(json(200, completion("after")));
    assert.equal((await llm.chat_completions(HELLO)).content, "after");
    server.script(sse(frame([chunk({ role: "assistant", content: "streamed" }), chunk({}, "stop")])));
    assert.equal((await llm.stream_chat_completions(HELLO).response).content, "streamed");
    assert.deepStrictEqual(
      spans
        .getFinishedSpans()
        .map((span) => [span.name, span.attributes["gen_ai.response.model"] !== undefined]),
      [
        ["chat gpt-4o-mini", true],
        ["chat gpt-4o-mini", true],
      ],
    );
    trace.disable();
  });
});
