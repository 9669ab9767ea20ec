import { createRequire } from "node:module";
import type { FixedRateLimit, RetryBackoff } from "./base-llm-config.js";

// Validators of the options BaseLLMConfig resolves; each reports a problem through `fail`.

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export function normalizeApiBase(
  raw: string,
  allowInsecureHttp: boolean,
  fail: (problem: string) => never,
): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    fail(`must use http or https (got "${url.protocol}")`);
  if (url.username !== "" || url.password !== "") fail("must not contain user:password credentials");
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecureHttp) {
    fail("plain http is allowed only on loopback; use https, or set allow_insecure_http: true");
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  url.hash = "";
  return url.toString().replace(/\/(\?|$)/, "$1");
}

export function validateRateLimit(
  value: "auto" | false | FixedRateLimit,
  fail: (problem: string) => never,
): "auto" | false | Readonly<FixedRateLimit> {
  if (value === "auto" || value === false) return value;
  if (typeof value !== "object" || value === null) return fail('must be "auto", false, or a fixed budget');
  if (value.requests_per_minute === undefined && value.tokens_per_minute === undefined) {
    fail("a fixed budget needs requests_per_minute, tokens_per_minute, or both");
  }
  for (const key of ["requests_per_minute", "tokens_per_minute"] as const) {
    const limit = value[key];
    if (limit !== undefined && !(typeof limit === "number" && limit > 0))
      fail(`${key} must be a positive number`);
  }
  return Object.freeze({ ...value });
}

export function validateRedisUrl(
  value: string | undefined,
  fail: (problem: string) => never,
): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("must be a redis:// or rediss:// URL");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") fail("must be a redis:// or rediss:// URL");
  try {
    createRequire(import.meta.url).resolve("ioredis");
  } catch {
    fail("needs the optional peer dependency ioredis (npm install ioredis)");
  }
  return value;
}

/** A Redis URL without its credentials, for messages and `util.inspect`. */
export function redactRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username !== "") url.username = "[redacted]";
    if (url.password !== "") url.password = "[redacted]";
    return url.toString();
  } catch {
    return "[redacted]";
  }
}

export function validateRetry(
  value: RetryBackoff,
  fail: (problem: string) => never,
): Readonly<Required<RetryBackoff>> {
  const result = {
    initial_delay_ms: value.initial_delay_ms ?? 500,
    max_delay_ms: value.max_delay_ms ?? 8000,
    max_retry_after_ms: value.max_retry_after_ms ?? 60_000,
  };
  for (const [key, number] of Object.entries(result)) {
    if (!(typeof number === "number" && number >= 0)) fail(`${key} must be a number >= 0`);
  }
  return Object.freeze(result);
}
