import { createRequire } from "node:module";
import type { LLMError } from "../core/llm-error.js";
import type { LLMResponse } from "../core/llm-response.js";

// OpenTelemetry GenAI instrumentation, through the optional peer `@opentelemetry/api`: without it,
// or with no SDK registered, every span is a no-op and nothing is recorded.

type Attributes = Record<string, string | number | boolean | string[] | undefined>;
interface Span {
  isRecording(): boolean;
  setAttributes(attributes: Attributes): void;
  addEvent(name: string, attributes?: Attributes): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}
interface Api {
  trace: {
    getTracer(
      name: string,
      version?: string,
    ): {
      startSpan(name: string, options?: { kind?: number; attributes?: Attributes }, context?: unknown): Span;
    };
    setSpan(context: unknown, span: Span): unknown;
  };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  metrics: {
    getMeter(
      name: string,
      version?: string,
    ): {
      createHistogram(
        name: string,
        options: { unit: string; description: string; advice?: { explicitBucketBoundaries: number[] } },
      ): {
        record(value: number, attributes?: Attributes): void;
      };
    };
  };
  SpanKind: { CLIENT: number; INTERNAL: number };
  SpanStatusCode: { ERROR: number };
  /** What the global tracer provider hands out while no SDK is registered. */
  ProxyTracer: abstract new (
    ...args: never[]
  ) => unknown;
  /** The meter the global meter provider hands out while no SDK is registered. */
  createNoopMeter(): unknown;
}

const require = createRequire(import.meta.url);
let api: Api | null | undefined;
function loadApi(): Api | null {
  if (api === undefined) {
    try {
      api = require("@opentelemetry/api") as Api;
    } catch {
      api = null;
    }
  }
  return api;
}

const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
interface Instruments {
  duration: { record(value: number, attributes?: Attributes): void };
  tokens: { record(value: number, attributes?: Attributes): void };
  firstChunk: { record(value: number, attributes?: Attributes): void };
}
type Meter = ReturnType<Api["metrics"]["getMeter"]>;
type Tracer = ReturnType<Api["trace"]["getTracer"]>;
const instrumentsByMeter = new WeakMap<object, Instruments>();
function histograms(meter: Meter): Instruments {
  let instruments = instrumentsByMeter.get(meter);
  if (instruments === undefined) {
    instruments = {
      duration: meter.createHistogram("gen_ai.client.operation.duration", {
        unit: "s",
        description: "GenAI operation duration",
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      tokens: meter.createHistogram("gen_ai.client.token.usage", {
        unit: "{token}",
        description: "Number of input and output tokens used",
        advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      }),
      firstChunk: meter.createHistogram("gen_ai.client.operation.time_to_first_chunk", {
        unit: "s",
        description: "Time to the first chunk of a streamed answer",
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
    };
    instrumentsByMeter.set(meter, instruments);
  }
  return instruments;
}

/** `gen_ai.provider.name` of each `llm_type` whose OpenTelemetry name differs (GenAI semantic conventions). */
const GEN_AI_PROVIDER_NAMES: Readonly<Record<string, string>> = { googleai: "gcp.gemini" };

/** Where telemetry goes: `false` nowhere, the given providers, else the global ones. */
export type TelemetryTarget =
  | false
  | {
      tracer_provider?: { getTracer(name: string, version?: string): unknown };
      meter_provider?: { getMeter(name: string, version?: string): unknown };
    }
  | undefined;

function tracerFor(otel: Api, target: TelemetryTarget): Tracer {
  const provided = target ? target.tracer_provider?.getTracer("director-llm", "0.1.0") : undefined;
  return (provided as Tracer | undefined) ?? otel.trace.getTracer("director-llm", "0.1.0");
}

function meterFor(otel: Api, target: TelemetryTarget): Meter {
  const provided = target ? target.meter_provider?.getMeter("director-llm", "0.1.0") : undefined;
  return (provided as Meter | undefined) ?? otel.metrics.getMeter("director-llm", "0.1.0");
}

/** Whether message content goes into spans: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`, as other GenAI instrumentations read it. */
export function captureContent(): boolean {
  return process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"]?.toLowerCase() === "true";
}

/** What a call's span starts with (built only when something records: see {@link telemetrySink}). */
export interface CallTelemetry {
  provider: string;
  model: string;
  apiBase: string;
  request: {
    max_tokens?: number | undefined;
    temperature?: number | undefined;
    top_p?: number | undefined;
    stop?: string | string[] | undefined;
  };
  messages: unknown;
  streaming: boolean;
}

/** One call's span and metrics; every method is a no-op when nothing records. */
export interface CallTrace {
  retry(retry: { attempt: number; error: LLMError; delayMs: number }): void;
  rateLimitWait(waitMs: number, shared: boolean): void;
  firstChunk(): void;
  end(response: LLMResponse): void;
}

/** Where a call's telemetry goes when something records it. */
export interface TelemetrySink {
  otel: Api;
  tracer: Tracer;
  meter: Meter;
}

/**
 * Where `@opentelemetry/api` 1.x keeps what is registered (its tracer, meter and context providers,
 * its diag logger): absent until something registers, whichever copy of the API did it.
 */
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

/**
 * The tracer and meter a call reports to, or `undefined` when nothing would record: no
 * `@opentelemetry/api`, `telemetry: false`, or neither a tracer nor a meter provider registered
 * (the API's proxy tracer and no-op meter). Asked per call, so an SDK registered later is seen.
 * While nothing at all is registered and no provider is given, the answer is one property read
 * (no API call: they cost about 2.5 µs per stream in the benchmark); otherwise the API is asked.
 */
export function telemetrySink(target: TelemetryTarget): TelemetrySink | undefined {
  if (target === false) return undefined;
  if (
    (globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] === undefined &&
    target?.tracer_provider === undefined &&
    target?.meter_provider === undefined
  )
    return undefined;
  const otel = loadApi();
  if (otel === null) return undefined;
  const tracer = tracerFor(otel, target);
  const meter = meterFor(otel, target);
  if (tracer instanceof otel.ProxyTracer && meter === otel.createNoopMeter()) return undefined;
  return { otel, tracer, meter };
}

/** `server.address` and `server.port` of an api_base, parsed once per api_base. */
const servers = new Map<string, { address: string; port: number }>();
function serverOf(apiBase: string): { address: string; port: number } {
  let server = servers.get(apiBase);
  if (server === undefined) {
    const url = new URL(apiBase);
    server = { address: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
    servers.set(apiBase, server);
  }
  return server;
}

/** Starts the `chat {model}` span of one call (kind CLIENT), with the GenAI conventions' attributes. */
export function traceCall(sink: TelemetrySink, call: CallTelemetry): CallTrace {
  const { otel, meter } = sink;
  const server = serverOf(call.apiBase);
  const common: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": GEN_AI_PROVIDER_NAMES[call.provider] ?? call.provider,
    "gen_ai.request.model": call.model,
    "server.address": server.address,
    "server.port": server.port,
  };
  const span = sink.tracer.startSpan(`chat ${call.model}`, {
    kind: otel.SpanKind.CLIENT,
    attributes: common,
  });
  const started = performance.now();
  let firstChunkAt: number | undefined;
  let retries = 0;
  if (span.isRecording()) {
    const stop = call.request.stop;
    span.setAttributes({
      "gen_ai.request.max_tokens": call.request.max_tokens,
      "gen_ai.request.temperature": call.request.temperature,
      "gen_ai.request.top_p": call.request.top_p,
      "gen_ai.request.stop_sequences":
        stop === undefined ? undefined : typeof stop === "string" ? [stop] : stop,
      "director_llm.stream": call.streaming,
      ...(captureContent() ? { "gen_ai.input.messages": JSON.stringify(call.messages) } : {}),
    });
  }
  return {
    retry: ({ attempt, error, delayMs }) => {
      retries += 1;
      span.addEvent("director_llm.retry", {
        "director_llm.attempt": attempt,
        "error.type": error.kind,
        "director_llm.wait_ms": delayMs,
      });
    },
    rateLimitWait: (waitMs, shared) => {
      span.addEvent("director_llm.rate_limit_wait", {
        "director_llm.wait_ms": Math.round(waitMs),
        "director_llm.budget.shared": shared,
      });
    },
    firstChunk: () => {
      firstChunkAt ??= performance.now();
    },
    end: (response) => {
      const seconds = (performance.now() - started) / 1000;
      const error = response.error;
      if (span.isRecording()) span.setAttributes(resultAttributes(response, retries, firstChunkAt, started));
      if (error) span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error.message });
      span.end();
      const metric = histograms(meter);
      const attributes: Attributes = {
        ...common,
        "gen_ai.response.model": response.model,
        "error.type": error?.kind,
      };
      metric.duration.record(seconds, attributes);
      if (response.send_tokens > 0)
        metric.tokens.record(response.send_tokens, { ...common, "gen_ai.token.type": "input" });
      if (response.recv_tokens > 0)
        metric.tokens.record(response.recv_tokens, { ...common, "gen_ai.token.type": "output" });
      if (firstChunkAt !== undefined) metric.firstChunk.record((firstChunkAt - started) / 1000, common);
    },
  };
}

/** What a finished call adds to its span (built only when the span records). */
function resultAttributes(
  response: LLMResponse,
  retries: number,
  firstChunkAt: number | undefined,
  started: number,
): Attributes {
  const result: Attributes = {
    "gen_ai.response.id": response.id,
    "gen_ai.response.model": response.model,
    "gen_ai.response.finish_reasons": response.finish_reason === "" ? undefined : [response.finish_reason],
    "gen_ai.usage.input_tokens": response.send_tokens,
    "gen_ai.usage.output_tokens": response.recv_tokens,
    "gen_ai.usage.cache_read.input_tokens": response.cached_tokens,
    "gen_ai.usage.cache_creation.input_tokens": response.cache_write_tokens,
    "gen_ai.usage.reasoning.output_tokens": response.reasoning_tokens,
    "director_llm.attempts": response.attempts,
    "director_llm.retries": retries,
    "director_llm.cost_usd": response.cost,
    "error.type": response.error?.kind,
  };
  if (firstChunkAt !== undefined)
    result["gen_ai.response.time_to_first_chunk"] = (firstChunkAt - started) / 1000;
  if (captureContent())
    result["gen_ai.output.messages"] = JSON.stringify([
      { role: "assistant", content: response.content, tool_calls: response.tool_calls },
    ]);
  return result;
}

/** A span around `fn` (`invoke_agent` for a tool run, `execute_tool {name}` for a tool call); a no-op without an SDK. */
export async function traced<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  failed?: (value: T) => string | undefined,
  target?: TelemetryTarget,
  /** Attributes known only once `fn` is done (a tool's result, when content is captured). */
  done?: (value: T) => Attributes,
): Promise<T> {
  const otel = loadApi();
  if (otel === null || target === false) return fn();
  const span = tracerFor(otel, target).startSpan(name, { kind: otel.SpanKind.INTERNAL, attributes });
  try {
    const value = await otel.context.with(otel.trace.setSpan(otel.context.active(), span), fn);
    if (done !== undefined && span.isRecording()) span.setAttributes(done(value));
    const error = failed?.(value);
    if (error !== undefined) {
      span.setAttributes({ "error.type": error });
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error });
    }
    return value;
  } finally {
    span.end();
  }
}
