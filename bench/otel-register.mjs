// Registers a real OpenTelemetry tracer provider for a bench worker (`node --import ./otel-register.mjs worker.mjs ...`),
// with an exporter that drops the spans, so the instrumentation cost is measured, not the export.
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

const dropping = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropping)] }),
);
