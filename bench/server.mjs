// The benchmark's OpenAI-compatible server, in its own process (127.0.0.1 only), so the clients
// under test never share its event loop. Prints {"port": N} once listening.
//   POST /v1/chat/completions          realistic chat.completion JSON, or an SSE stream of
//                                      STREAM_CHUNKS chunks + a usage chunk + [DONE]
//   POST /rl/v1/chat/completions       the same behind per-key token buckets (requests and tokens,
//                                      full at start) with OpenAI's x-ratelimit-* headers, 429 body
//                                      and retry-after; each request is charged its prompt tokens
//                                      plus the max_tokens it sends, as OpenAI's limiter does
//   POST /anthropic/v1/messages        the same two answers in Anthropic's Messages API shape
//   POST /gemini/v1beta/models/M:generateContent (and :streamGenerateContent?alt=sse)
//                                      the same two answers in Gemini's shape (CRLF-framed events)
//   GET  /stats?key=K                  {ok, limited} for a key in rate-limited mode
//   POST /down/v1/chat/completions     always 503 (a provider that is down); GET /down-stats counts them
import { createServer } from "node:http";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

const STREAM_CHUNKS = Number(process.env.STREAM_CHUNKS ?? 200);
const RL_RPS = Number(process.env.RL_RPS ?? 20);
const RL_TOKENS_PER_REQUEST = Number(process.env.RL_TOKENS_PER_REQUEST ?? 1000 + 4096);

const completionObject = {
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_731_368_634,
  model: "gpt-4o-mini-2024-07-18",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "Benchmarks measure what they measure, and nothing else.",
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: {
    prompt_tokens: 24,
    completion_tokens: 11,
    total_tokens: 35,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: "default",
  system_fingerprint: "fp_bench",
};
const completion = Buffer.from(JSON.stringify(completionObject));
/** A completion whose usage reports the prompt tokens actually charged, as OpenAI's does. */
function completionFor(prompt) {
  const usage = {
    ...completionObject.usage,
    prompt_tokens: prompt,
    total_tokens: prompt + completionObject.usage.completion_tokens,
  };
  return Buffer.from(JSON.stringify({ ...completionObject, usage }));
}

function streamBody(chunks) {
  const base = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_731_368_634,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_bench",
  };
  const events = [
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }], usage: null })}\n\n`,
  ];
  for (let index = 0; index < chunks; index += 1) {
    events.push(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: ` tok${index}` }, logprobs: null, finish_reason: null }], usage: null })}\n\n`,
    );
  }
  events.push(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }], usage: null })}\n\n`,
  );
  events.push(
    `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 24, completion_tokens: chunks, total_tokens: 24 + chunks } })}\n\n`,
  );
  events.push("data: [DONE]\n\n");
  // Ten writes per stream: the client sees many events per read, as from a fast real server.
  const pieces = [];
  const per = Math.ceil(events.length / 10);
  for (let index = 0; index < events.length; index += per)
    pieces.push(Buffer.from(events.slice(index, index + per).join("")));
  return pieces;
}
const stream = streamBody(STREAM_CHUNKS);

// The Anthropic-shaped endpoint (POST /anthropic/v1/messages): a realistic message, or a stream of
// STREAM_CHUNKS text deltas framed as the Messages API frames them (event + data lines, a ping).
const claudeMessage = Buffer.from(
  JSON.stringify({
    model: "claude-haiku-4-5-20251001",
    id: "msg_bench",
    type: "message",
    role: "assistant",
    content: [{ type: "text", text: "Benchmarks measure what they measure, and nothing else." }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 24,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 11,
      service_tier: "standard",
    },
  }),
);
function claudeStreamBody(chunks) {
  const event = (data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const events = [
    event({
      type: "message_start",
      message: {
        model: "claude-haiku-4-5-20251001",
        id: "msg_bench",
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 24, output_tokens: 1 },
      },
    }),
    event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    'event: ping\ndata: {"type": "ping"}\n\n',
  ];
  for (let index = 0; index < chunks; index += 1)
    events.push(
      event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: ` tok${index}` } }),
    );
  events.push(event({ type: "content_block_stop", index: 0 }));
  events.push(
    event({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: chunks },
    }),
  );
  events.push(event({ type: "message_stop" }));
  const pieces = [];
  const per = Math.ceil(events.length / 10);
  for (let index = 0; index < events.length; index += per)
    pieces.push(Buffer.from(events.slice(index, index + per).join("")));
  return pieces;
}
const claudeStream = claudeStreamBody(STREAM_CHUNKS);
function answerClaude(response, body) {
  if (body.stream) {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "request-id": "req_bench",
    });
    let index = 0;
    const next = () => {
      while (index < claudeStream.length)
        if (!response.write(claudeStream[index++])) return response.once("drain", next);
      response.end();
    };
    return next();
  }
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": claudeMessage.length,
    "request-id": "req_bench",
  });
  response.end(claudeMessage);
}

// The Gemini-shaped endpoint: a generateContent answer, or STREAM_CHUNKS text events framed as
// Gemini frames them (`data:` lines, CRLF CRLF, no end marker; usage on every event).
const geminiUsage = (candidates) => ({
  promptTokenCount: 24,
  candidatesTokenCount: candidates,
  totalTokenCount: 24 + candidates,
});
const geminiAnswer = Buffer.from(
  JSON.stringify({
    candidates: [
      {
        content: {
          role: "model",
          parts: [{ text: "Benchmarks measure what they measure, and nothing else." }],
        },
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: geminiUsage(11),
    modelVersion: "gemini-2.5-flash",
    responseId: "bench",
  }),
);
function geminiStreamBody(chunks) {
  const events = [];
  for (let index = 0; index < chunks; index += 1) {
    const last = index === chunks - 1;
    events.push(
      `data: ${JSON.stringify({
        candidates: [
          {
            content: { role: "model", parts: [{ text: ` tok${index}` }] },
            ...(last ? { finishReason: "STOP" } : {}),
            index: 0,
          },
        ],
        usageMetadata: geminiUsage(index + 1),
        modelVersion: "gemini-2.5-flash",
        responseId: "bench",
      })}\r\n\r\n`,
    );
  }
  const pieces = [];
  const per = Math.ceil(events.length / 10);
  for (let index = 0; index < events.length; index += per)
    pieces.push(Buffer.from(events.slice(index, index + per).join("")));
  return pieces;
}
const geminiStream = geminiStreamBody(STREAM_CHUNKS);
function answerGemini(response, url) {
  if (url.includes(":streamGenerateContent")) {
    response.writeHead(200, { "content-type": "text/event-stream", "content-disposition": "attachment" });
    let index = 0;
    const next = () => {
      while (index < geminiStream.length)
        if (!response.write(geminiStream[index++])) return response.once("drain", next);
      response.end();
    };
    return next();
  }
  response.writeHead(200, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": geminiAnswer.length,
  });
  response.end(geminiAnswer);
}

class Bucket {
  constructor(capacity, perSecond) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.available = capacity;
    this.at = performance.now();
  }
  refill() {
    const now = performance.now();
    this.available = Math.min(this.capacity, this.available + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
  resetMs() {
    return Math.ceil(((this.capacity - this.available) / this.perSecond) * 1000);
  }
}
const keys = new Map();
function limiterFor(key) {
  let limiter = keys.get(key);
  if (!limiter) {
    limiter = {
      requests: new Bucket(RL_RPS, RL_RPS),
      tokens: new Bucket(RL_RPS * RL_TOKENS_PER_REQUEST, RL_RPS * RL_TOKENS_PER_REQUEST),
      ok: 0,
      limited: 0,
      firstAt: 0,
      okTimes: [],
      limitedTimes: [],
    };
    keys.set(key, limiter);
  }
  return limiter;
}
function promptTokens(body) {
  let tokens = 3;
  for (const message of body.messages ?? [])
    tokens +=
      4 +
      countTokens(
        typeof message.content === "string" ? message.content : JSON.stringify(message.content ?? ""),
      );
  return tokens;
}
function formatReset(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms}ms`;
}

function answer(response, body, extraHeaders = {}, prompt = undefined) {
  if (body.stream) {
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", ...extraHeaders });
    let index = 0;
    const next = () => {
      while (index < stream.length) {
        const ok = response.write(stream[index++]);
        if (!ok) return response.once("drain", next);
      }
      response.end();
    };
    next();
    return;
  }
  // Rate-limited answers report the prompt tokens charged, as OpenAI's usage does.
  const payload = prompt === undefined ? completion : completionFor(prompt);
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": payload.length,
    "x-request-id": "req_bench",
    ...extraHeaders,
  });
  response.end(payload);
}

let downRequests = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  if (request.method === "GET" && request.url === "/down-stats") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ requests: downRequests }));
    return;
  }
  if (request.url.startsWith("/down/")) {
    downRequests += 1;
    request.resume();
    const body = JSON.stringify({ error: { message: "the provider is down", type: "server_error" } });
    response.writeHead(503, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
    return;
  }
  if (request.method === "GET" && request.url.startsWith("/stats")) {
    const key = new URL(request.url, "http://x").searchParams.get("key");
    const limiter = keys.get(`Bearer ${key}`);
    response.writeHead(200, { "content-type": "application/json" });
    // Accepted requests per second since the key's first request: where a run lost time.
    const perSecondOf = (times) => {
      const perSecond = [];
      for (const at of times ?? []) {
        const second = Math.floor((at - limiter.firstAt) / 1000);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
      }
      return Array.from(perSecond, (count) => count ?? 0);
    };
    response.end(
      JSON.stringify({
        ok: limiter?.ok ?? 0,
        limited: limiter?.limited ?? 0,
        ok_per_second: perSecondOf(limiter?.okTimes),
        limited_per_second: perSecondOf(limiter?.limitedTimes),
        first_at: limiter?.firstAt ?? 0,
        last_ok_at: limiter?.okTimes.at(-1) ?? 0,
      }),
    );
    return;
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {}
    if (request.url.startsWith("/anthropic/")) return answerClaude(response, body);
    if (request.url.startsWith("/gemini/")) return answerGemini(response, request.url);
    if (!request.url.startsWith("/rl/")) return answer(response, body);
    const limiter = limiterFor(request.headers.authorization ?? "");
    if (limiter.firstAt === 0) limiter.firstAt = Date.now();
    const prompt = promptTokens(body);
    const cost = prompt + Number(body.max_tokens ?? body.max_completion_tokens ?? 0);
    limiter.requests.refill();
    limiter.tokens.refill();
    const allowed = limiter.requests.available >= 1 && limiter.tokens.available >= cost;
    if (allowed) {
      limiter.requests.available -= 1;
      limiter.tokens.available -= cost;
    }
    const headers = {
      "x-ratelimit-limit-requests": String(limiter.requests.capacity),
      "x-ratelimit-remaining-requests": String(Math.floor(limiter.requests.available)),
      "x-ratelimit-reset-requests": formatReset(limiter.requests.resetMs()),
      "x-ratelimit-limit-tokens": String(limiter.tokens.capacity),
      "x-ratelimit-remaining-tokens": String(Math.floor(limiter.tokens.available)),
      "x-ratelimit-reset-tokens": formatReset(limiter.tokens.resetMs()),
    };
    if (allowed) {
      limiter.ok += 1;
      limiter.okTimes.push(Date.now());
      return answer(response, body, headers, prompt);
    }
    limiter.limited += 1;
    limiter.limitedTimes.push(Date.now());
    const waitMs = Math.ceil(
      Math.max(
        ((1 - limiter.requests.available) / limiter.requests.perSecond) * 1000,
        ((cost - limiter.tokens.available) / limiter.tokens.perSecond) * 1000,
      ),
    );
    const kind = limiter.requests.available < 1 ? "requests" : "tokens";
    const text = JSON.stringify({
      error: {
        message: `Rate limit reached for gpt-4o-mini in organization org-bench on ${kind} per min (${kind === "requests" ? "RPM" : "TPM"}): Limit ${Math.round(kind === "requests" ? limiter.requests.capacity : limiter.tokens.capacity)}. Please try again in ${waitMs}ms.`,
        type: kind,
        param: null,
        code: "rate_limit_exceeded",
      },
    });
    response.writeHead(429, {
      "content-type": "application/json",
      "retry-after-ms": String(waitMs),
      "retry-after": String(Math.ceil(waitMs / 1000)),
      ...headers,
    });
    response.end(text);
  });
});
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`),
);
process.on("SIGTERM", () => process.exit(0));
