// The streaming ladder: director-llm's streaming path rebuilt one layer at a time from its own
// compiled modules (`../dist`, built by the runners), so each layer's cost per stream can be
// measured beside the raw floor. Used by run-ladder.mjs through worker.mjs; not peers.
import { CallAbort } from "../dist/src/core/call-abort.js";
import { resolveCallLimits } from "../dist/src/llm/call-limits.js";
import { ChatStream } from "../dist/src/llm/chat-stream.js";
import { runAttempts } from "../dist/src/llm/run-attempts.js";
import { OpenAI } from "../dist/src/index.js";
import { OpenAIStreamAssembler } from "../dist/src/openai/openai-stream-assembler.js";
import { openRequest } from "../dist/src/transport/post-request.js";
import { readSseJson } from "../dist/src/transport/read-sse-json.js";

const MODEL = "gpt-4o-mini";
const MINUTE = 60_000;

/** What one attempt is given when the layers above it are left out. */
const bareContext = (signal) => ({
  attempt: 1,
  timeoutMs: MINUTE,
  timeoutLabel: "timeout of 60s",
  onSent: undefined,
  signal,
  idleTimeoutMs: MINUTE,
  deadlineAt: undefined,
  onHeaders: undefined,
});

/** Layers 1 and 2: the transport alone (exchange, SSE, JSON), then with the assembler. */
function transport(withAssembler) {
  return async (base, key) => {
    const url = new URL(`${base}/chat/completions`);
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
      accept: "text/event-stream",
    };
    return {
      async stream(messages, onChunk) {
        const body = JSON.stringify({
          model: MODEL,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        });
        const request = {
          origin: url.origin,
          path: url.pathname,
          headers,
          body,
          timeoutMs: MINUTE,
          timeoutLabel: "timeout of 60s",
          maxResponseBytes: 2 ** 30,
          secrets: [],
        };
        const exchange = await openRequest(request);
        const events = readSseJson({ exchange, request, done: "done" });
        const assembler = withAssembler ? new OpenAIStreamAssembler({}) : undefined;
        for await (const batch of events) {
          for (const event of batch) {
            if (assembler === undefined) {
              if (event !== "done" && event.choices[0]?.delta?.content) onChunk();
              continue;
            }
            assembler.push(event, (part) => {
              if (part.type === "text-delta") onChunk();
            });
          }
        }
        assembler?.finish();
      },
    };
  };
}

/** Layers 3 to 5: the provider's request and stream, then ChatStream, then the attempts loop. */
function layered(level) {
  return async (base, key) => {
    const llm = new OpenAI({
      api_key: key,
      api_base: base,
      chat_model: MODEL,
      rate_limit: false,
      telemetry: false,
    });
    const produce = async (prepared, context, emit) => {
      const open = await llm.openStream(prepared, context);
      for await (const batch of open.events) for (const event of batch) open.assembler.push(event, emit);
      return open.assembler.finish();
    };
    return {
      async stream(messages, onChunk) {
        const prepared = llm.prepareRequest(messages, {}, true);
        if (level === "request") {
          await produce(prepared, bareContext(undefined), (part) => {
            if (part.type === "text-delta") onChunk();
          });
          return;
        }
        const abort = new CallAbort();
        const stream = new ChatStream(abort, (chat) => {
          const emit = (part) => chat.push(part);
          if (level === "chat-stream") return produce(prepared, bareContext(abort), emit);
          const limits = { ...resolveCallLimits({}, llm.config), signal: abort };
          return runAttempts({
            prepared,
            limits,
            run: (context) => produce(prepared, context, emit),
            canRetry: () => chat.delivered === 0,
            budget: undefined,
            config: llm.config,
          });
        });
        const response = await stream.for_each((part) => {
          if (part.type === "text-delta") onChunk();
        });
        if (response.error) throw response.error;
      },
    };
  };
}

/** Layers 6 and 7: the whole call, without then with the rate budget and the telemetry check. */
function whole(config) {
  return async (base, key) => {
    const llm = new OpenAI({ api_key: key, api_base: base, chat_model: MODEL, ...config });
    return {
      async stream(messages, onChunk) {
        const response = await llm.stream_chat_completions(messages).for_each((part) => {
          if (part.type === "text-delta") onChunk();
        });
        if (response.error) throw response.error;
      },
    };
  };
}

/**
 * The cold-code probe: `count` small distinct functions (a few multiplications and a property
 * write each), compiled once. Run once per stream beside the network path, as a library's
 * per-stream code is, they are compared with the same functions run back to back in a loop.
 */
export function probeFunctions(count) {
  return Array.from(
    { length: count },
    (_, k) =>
      new Function(
        "o",
        `let s = ${k}; for (let i = 0; i < 4; i++) { s = (s * 31 + o.a + i) | 0; if (s & ${1 << (k % 16)}) s ^= o.b; } o.out${k % 8} = s; return s;`,
      ),
  );
}

/** µs per run of `count` probe functions back to back, warm (median of 5 timed loops). */
export function probeHotMicros(count) {
  const functions = probeFunctions(count);
  const target = { a: 1, b: 2 };
  const run = () => {
    for (const fn of functions) fn(target);
  };
  for (let index = 0; index < 2000; index += 1) run();
  const times = Array.from({ length: 5 }, () => {
    const started = performance.now();
    for (let index = 0; index < 2000; index += 1) run();
    return ((performance.now() - started) * 1000) / 2000;
  });
  return times.sort((a, b) => a - b)[2];
}

/** The floor's client, running `count` probe functions once per stream before it. */
function probe(count) {
  return async (base, key) => {
    const { CLIENTS } = await import("./clients.mjs");
    const floor = await CLIENTS["undici-pool"](base, key);
    const functions = probeFunctions(count);
    const target = { a: 1, b: 2 };
    return {
      call: floor.call,
      async stream(messages, onChunk) {
        for (const fn of functions) fn(target);
        await floor.stream(messages, onChunk);
      },
    };
  };
}

/** The probe's clients: the floor plus 100 or 400 probe functions per stream. */
export const PROBES = { "probe:100": probe(100), "probe:400": probe(400) };

/** In the order the layers are added. */
export const LADDER = {
  "ladder:transport": transport(false),
  "ladder:assembler": transport(true),
  "ladder:request": layered("request"),
  "ladder:chat-stream": layered("chat-stream"),
  "ladder:attempts": layered("attempts"),
  "ladder:call": whole({ rate_limit: false, telemetry: false }),
};

/** What each layer adds, in the README's words. */
export const LADDER_LAYERS = {
  "ladder:transport": "transport: undici dispatch, SSE framing (eventsource-parser), JSON.parse",
  "ladder:assembler": "+ the assembler: typed parts, the assembled response",
  "ladder:request": "+ the provider: request building and checks, headers, the idle timer",
  "ladder:chat-stream": "+ ChatStream and its abort, parts given through for_each",
  "ladder:attempts": "+ the attempts loop: retry policy, context-window check",
  "ladder:call": "+ the call: options, limits, cost, usage meter (rate budget and telemetry off)",
  "director-llm": "+ the rate budget and the telemetry check (defaults): director-llm as shipped",
};
