import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { type LLMErrorKind, LLMResponseStatus } from "../../src/index.js";
import { CLIENT_KEY_IN_ERROR, clientFor, HELLO, TEST_KEY, timed } from "../helpers/client.js";
import { replay } from "../helpers/fixtures.js";
import { completion, json, ok, raw } from "../helpers/handlers.js";
import { type Handler, type TestServer, useTestServer } from "../helpers/test-server.js";

/** One scripted failure: what the server does, and what the caller must see. */
interface Scenario {
  name: string;
  script: Handler[];
  kind: LLMErrorKind;
  attempts: number;
  status_code?: number;
  retryable?: boolean;
  retry_after_ms?: number;
  maxElapsedMs?: number;
  minElapsedMs?: number;
}

const error = (status: number, code: string | null, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { message, type: "invalid_request_error", param: null, code } }, headers);
const rateLimited = (headers: Record<string, string>) =>
  error(429, "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini on requests per min (RPM)", headers);
const httpDate = () => new Date(Date.now() + 2000).toUTCString();

const scenarios: Scenario[] = [
  {
    name: "500 on every attempt",
    script: [error(500, null, "The server had an error")],
    kind: "server_error",
    attempts: 3,
    status_code: 500,
    retryable: true,
  },
  {
    name: "502 with an HTML body",
    script: [raw(502, "<html><body>Bad gateway</body></html>", { "content-type": "text/html" })],
    kind: "server_error",
    attempts: 3,
    status_code: 502,
  },
  {
    name: "500 with x-should-retry: false",
    script: [error(500, null, "no", { "x-should-retry": "false" })],
    kind: "server_error",
    attempts: 1,
  },
  {
    name: "429 with retry-after of an hour fails fast",
    script: [rateLimited({ "retry-after": "3600" })],
    kind: "rate_limit",
    attempts: 1,
    retry_after_ms: 3_600_000,
    maxElapsedMs: 1000,
  },
  {
    // A 429 that says when to come back is a wait, not a retry: 10 such waits (MAX_RATE_LIMIT_WAITS),
    // then they count against max_retries (2): 1 + 10 + 2 requests.
    name: "429 rate limit on every attempt",
    script: [rateLimited({ "retry-after-ms": "10" })],
    kind: "rate_limit",
    attempts: 13,
    retry_after_ms: 10,
  },
  {
    name: "429 insufficient_quota is never retried",
    script: [error(429, "insufficient_quota", "You exceeded your current quota")],
    kind: "quota_exceeded",
    attempts: 1,
    retryable: false,
  },
  {
    name: "the recorded TPM 'Request too large' 429",
    script: [replay("error-429-rate-limit-exceeded-tpm.json")],
    kind: "request_too_large",
    attempts: 1,
    retryable: false,
  },
  {
    name: "the recorded 404 model_not_found",
    script: [replay("error-404-model-not-found.json")],
    kind: "model_not_found",
    attempts: 1,
    status_code: 404,
  },
  {
    name: "400 context_length_exceeded",
    script: [
      error(
        400,
        "context_length_exceeded",
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
      ),
    ],
    kind: "context_length_exceeded",
    attempts: 1,
  },
  {
    name: "the recorded 400 unsupported_value",
    script: [replay("error-400-unsupported-value.json")],
    kind: "bad_request",
    attempts: 1,
    status_code: 400,
  },
  {
    name: "403 permission denied",
    script: [error(403, "unsupported_country_region_territory", "Country not supported")],
    kind: "permission_denied",
    attempts: 1,
  },
  {
    name: "422 is not retried",
    script: [error(422, null, "Unprocessable")],
    kind: "bad_request",
    attempts: 1,
  },
  {
    name: "408 is retried and reported as timeout",
    script: [error(408, null, "Request timeout")],
    kind: "timeout",
    attempts: 3,
  },
  {
    name: "truncated JSON with 200",
    script: [
      raw(200, '{"id":"chatcmpl-1","choices":[{"index":0,"mess', { "content-type": "application/json" }),
    ],
    kind: "invalid_response",
    attempts: 1,
    status_code: 200,
  },
  {
    name: "text/html with 200",
    script: [raw(200, "<!doctype html><title>Login</title>", { "content-type": "text/html" })],
    kind: "invalid_response",
    attempts: 1,
  },
  {
    name: "an empty 200 body",
    script: [raw(200, "", { "content-type": "application/json" })],
    kind: "invalid_response",
    attempts: 1,
  },
  {
    name: "choices: []",
    script: [json(200, completion("x", { choices: [] }))],
    kind: "invalid_response",
    attempts: 1,
  },
  {
    name: "message: null",
    script: [json(200, completion("x", { choices: [{ index: 0, message: null, finish_reason: "stop" }] }))],
    kind: "invalid_response",
    attempts: 1,
  },
  {
    name: "a JSON string as the body",
    script: [raw(200, '"hello"', { "content-type": "application/json" })],
    kind: "invalid_response",
    attempts: 1,
  },
  {
    name: "a 307 redirect is not followed",
    script: [raw(307, "", { location: "http://127.0.0.2:1/v1/chat/completions" })],
    kind: "invalid_response",
    attempts: 1,
    status_code: 307,
  },
];

describe("fault injection: statuses and hostile bodies", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      server.script(...scenario.script);
      const { result, elapsedMs } = await timed(() => clientFor(server).chat_completions(HELLO));
      assert.equal(result.status, LLMResponseStatus.ERROR);
      assert.equal(result.content, "");
      assert.ok(result.error instanceof Error);
      assert.equal(result.error.kind, scenario.kind, result.error.message);
      assert.equal(result.error.attempts, scenario.attempts);
      assert.equal(server.requests.length, scenario.attempts);
      if (scenario.status_code !== undefined) assert.equal(result.error.status_code, scenario.status_code);
      if (scenario.retryable !== undefined) assert.equal(result.error.retryable, scenario.retryable);
      if (scenario.retry_after_ms !== undefined)
        assert.equal(result.error.retry_after_ms, scenario.retry_after_ms);
      assert.ok(elapsedMs < (scenario.maxElapsedMs ?? 5000), `took ${elapsedMs} ms`);
    });
  }

  const recoveries: Array<[string, Handler[], number, number]> = [
    ["5xx twice then 200", [error(500, null, "a"), error(503, null, "b"), ok("recovered")], 3, 0],
    [
      "429 with retry-after-ms, then 200",
      [rateLimited({ "retry-after-ms": "300" }), ok("recovered")],
      2,
      300,
    ],
    [
      "429 with retry-after in seconds, then 200",
      [rateLimited({ "retry-after": "1" }), ok("recovered")],
      2,
      1000,
    ],
    ["409 then 200", [error(409, null, "conflict"), ok("recovered")], 2, 0],
    [
      "418 with x-should-retry: true, then 200",
      [error(418, null, "teapot", { "x-should-retry": "true" }), ok("recovered")],
      2,
      0,
    ],
  ];
  for (const [name, script, requests, minElapsedMs] of recoveries) {
    it(name, async () => {
      server.script(...script);
      const { result, elapsedMs } = await timed(() => clientFor(server).chat_completions(HELLO));
      assert.equal(result.status, LLMResponseStatus.SUCCESS, result.error?.message);
      assert.equal(result.content, "recovered");
      assert.equal(server.requests.length, requests);
      assert.deepStrictEqual(server.requests[0]?.body, server.requests[requests - 1]?.body);
      assert.ok(elapsedMs >= minElapsedMs - 5 && elapsedMs < minElapsedMs + 3000, `took ${elapsedMs} ms`);
    });
  }

  it("429 with retry-after as an HTTP date waits until then", async () => {
    server.script(rateLimited({ "retry-after": httpDate() }), ok("recovered"));
    const { result, elapsedMs } = await timed(() => clientFor(server).chat_completions(HELLO));
    assert.equal(result.content, "recovered");
    assert.ok(elapsedMs >= 900 && elapsedMs < 4000, `took ${elapsedMs} ms`);
  });

  it("an unknown finish_reason and a missing usage are not errors", async () => {
    const body = completion("hi", { usage: undefined });
    (body["choices"] as Array<Record<string, unknown>>)[0]!["finish_reason"] = "brand_new_reason";
    server.script(json(200, body));
    const result = await clientFor(server).chat_completions(HELLO);
    assert.equal(result.status, LLMResponseStatus.SUCCESS);
    assert.equal(result.finish_reason, "brand_new_reason");
    assert.deepStrictEqual([result.send_tokens, result.recv_tokens, result.total_tokens], [0, 0, 0]);
  });

  it("a 401 that echoes the key never shows it: message, stack, JSON, inspect", async () => {
    server.script(
      error(
        401,
        "invalid_api_key",
        `Incorrect API key provided: ${TEST_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      ),
    );
    const result = await clientFor(server).chat_completions(HELLO);
    assert.equal(result.error?.kind, "authentication");
    assert.equal(result.error?.attempts, 1);
    assert.equal(result.error?.message, CLIENT_KEY_IN_ERROR);
    for (const text of [
      result.error?.message,
      result.error?.stack,
      JSON.stringify(result),
      JSON.stringify(result.error),
      inspect(result, { depth: 9 }),
    ]) {
      assert.equal(String(text).includes(TEST_KEY), false, text);
    }
    assert.equal(server.requests[0]?.headers["authorization"], `Bearer ${TEST_KEY}`);
  });

  it("a body over max_response_bytes with Content-Length is refused unread", async () => {
    server.script(json(200, completion("x".repeat(4096))));
    const result = await clientFor(server, { max_response_bytes: 1024 }).chat_completions(HELLO);
    assert.equal(result.error?.kind, "response_too_large");
    assert.equal(result.error?.attempts, 1);
  });

  it("a chunked body over max_response_bytes is cancelled while streaming in", async () => {
    let written = 0;
    let closedEarly = false;
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.on("close", () => {
        closedEarly = !response.writableFinished;
      });
      const timer = setInterval(() => {
        if (written >= 64 || response.destroyed) {
          clearInterval(timer);
          if (!response.destroyed) response.end("}");
          return;
        }
        response.write(`${"x".repeat(1024)}`);
        written += 1;
      }, 2);
    });
    const result = await clientFor(server, { max_response_bytes: 8 * 1024 }).chat_completions(HELLO);
    assert.equal(result.error?.kind, "response_too_large");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(written < 64, `server wrote ${written} KiB`);
    assert.equal(closedEarly, true);
  });

  it("a 500 whose body never ends is classified from its first MiB, without waiting for the timeout", async () => {
    server.script((_request, response) => {
      response.writeHead(500, { "content-type": "text/plain" });
      const block = "x".repeat(64 * 1024);
      const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(block)), 1);
    });
    const { result, elapsedMs } = await timed(() =>
      clientFor(server, { timeout: 10, max_retries: 0 }).chat_completions(HELLO),
    );
    assert.equal(result.error?.kind, "server_error");
    assert.equal(result.error?.status_code, 500);
    assert.ok(elapsedMs < 5000, `took ${elapsedMs} ms`);
  });
});
