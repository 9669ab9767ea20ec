import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyHttpError } from "../../src/transport/classify-http-error.js";
import { parseRetryAfterMs } from "../../src/transport/retry-after.js";
import { backoffDelayMs } from "../../src/transport/retry-with-backoff.js";
import { type Exchange, fixtureJson, fixtureText } from "../helpers/fixtures.js";

function fromFixture(name: string, secrets: string[] = []) {
  const exchange = fixtureJson<Exchange>(name);
  return classifyHttpError({
    status: exchange.response.status,
    headers: exchange.response.headers,
    bodyText: JSON.stringify(exchange.response.body),
    secrets,
  });
}

describe("classifyHttpError on recorded OpenAI errors", () => {
  it("401 invalid_api_key is authentication, not retryable, and the echoed key is removed", () => {
    const error = fromFixture("error-401-invalid-api-key.json", ["invalid-key"]);
    assert.equal(error.kind, "authentication");
    assert.equal(error.status_code, 401);
    assert.equal(error.code, "invalid_api_key");
    assert.equal(error.retryable, false);
    assert.equal(error.message.includes("invalid-key"), false);
    assert.match(error.message, /^401 invalid_api_key: Incorrect API key provided: \[redacted\]\./);
  });

  it("the TPM 'Request too large' 429 is request_too_large and never retried", () => {
    const error = fromFixture("error-429-rate-limit-exceeded-tpm.json");
    assert.equal(error.kind, "request_too_large");
    assert.equal(error.retryable, false);
    assert.equal(error.type, "tokens");
    assert.equal(error.request_id, "<X_REQUEST_ID>");
  });

  it("404 model_not_found", () => {
    const error = fromFixture("error-404-model-not-found.json");
    assert.equal(error.kind, "model_not_found");
    assert.equal(error.retryable, false);
  });

  it("400 context_length_exceeded and 400 unsupported_value", () => {
    assert.equal(
      fromFixture("error-400-context-length-exceeded.responses-api.json").kind,
      "context_length_exceeded",
    );
    const unsupported = fromFixture("error-400-unsupported-value.json");
    assert.equal(unsupported.kind, "bad_request");
    assert.equal(unsupported.param, "messages[0].role");
    const parameter = classifyHttpError({
      status: 400,
      headers: {},
      bodyText: fixtureText("error-400-unsupported-parameter.body.json"),
      secrets: [],
    });
    assert.deepStrictEqual(
      [parameter.kind, parameter.code, parameter.param],
      ["bad_request", "unsupported_parameter", "max_tokens"],
    );
  });
});

describe("classifyHttpError policy", () => {
  const cases: Array<[number, string, Record<string, string>, string, boolean]> = [
    [
      429,
      '{"error":{"code":"rate_limit_exceeded","message":"Rate limit reached for requests"}}',
      {},
      "rate_limit",
      true,
    ],
    [
      429,
      '{"error":{"code":"insufficient_quota","message":"You exceeded your current quota"}}',
      {},
      "quota_exceeded",
      false,
    ],
    [500, "<html>oops</html>", {}, "server_error", true],
    [503, "", { "x-should-retry": "false" }, "server_error", false],
    [408, "", {}, "timeout", true],
    [409, "", {}, "bad_request", true],
    [403, '{"error":{"message":"Country not supported"}}', {}, "permission_denied", false],
    [422, "{}", { "x-should-retry": "true" }, "bad_request", false],
    [404, '{"error":{"message":"Not Found"}}', {}, "bad_request", false],
    [302, "", { location: "https://elsewhere.example/" }, "invalid_response", false],
    [400, '{"error":"model \\"llama\\" does not support tools"}', {}, "bad_request", false],
    [
      400,
      '{"detail":"This model\'s maximum context length is 8192 tokens"}',
      {},
      "context_length_exceeded",
      false,
    ],
  ];
  for (const [status, body, headers, kind, retryable] of cases) {
    it(`${status} ${body.slice(0, 40)} ${JSON.stringify(headers)} -> ${kind}, retryable ${retryable}`, () => {
      const error = classifyHttpError({ status, headers, bodyText: body, secrets: [] });
      assert.deepStrictEqual([error.kind, error.retryable], [kind, retryable]);
    });
  }

  it("redacts key-shaped text even when masked by the server", () => {
    const error = classifyHttpError({
      status: 401,
      headers: {},
      bodyText: '{"error":{"message":"Incorrect API key provided: sk-proj-abc***********xyz1."}}',
      secrets: [],
    });
    assert.equal(error.message, "401: Incorrect API key provided: [redacted].");
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("prefers retry-after-ms, then seconds, then an HTTP date", () => {
    assert.equal(parseRetryAfterMs({ "retry-after-ms": "250.5", "retry-after": "9" }, now), 251);
    assert.equal(parseRetryAfterMs({ "retry-after": "2" }, now), 2000);
    assert.equal(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, now), 3000);
    assert.equal(parseRetryAfterMs({ "retry-after": "soon" }, now), undefined);
    assert.equal(parseRetryAfterMs({}, now), undefined);
  });
});

describe("backoffDelayMs", () => {
  const backoff = { initial_delay_ms: 500, max_delay_ms: 8000, max_retry_after_ms: 60_000 };
  it("doubles from 500 ms, caps at 8 s, and jitters down to 0.75x", () => {
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, backoff, () => 0)),
      [500, 1000, 2000, 4000, 8000, 8000],
    );
    assert.deepStrictEqual(
      [0, 4].map((retry) => backoffDelayMs(retry, backoff, () => 0.999999)),
      [375, 6000],
    );
  });
});
