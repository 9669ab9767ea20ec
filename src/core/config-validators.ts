import { createRequire } from "node:module";
import type { FixedRateLimit, RetryBackoff } from "./base-llm-config-options.js";
import { didYouMean } from "./closest-name.js";

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

/**
 * Refuses a key of a nested option object that is not one of `known` (a typo would otherwise be
 * ignored), suggesting the key it likely meant.
 */
export function checkKnownKeys(
  value: object,
  known: readonly string[],
  fail: (problem: string) => never,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    fail(`has no option "${key}"${didYouMean(key, known)}; its options are ${known.join(", ")}`);
  }
}

export function validateRateLimit(
  value: "auto" | false | FixedRateLimit,
  fail: (problem: string) => never,
): "auto" | false | Readonly<FixedRateLimit> {
  if (value === "auto" || value === false) return value;
  if (typeof value !== "object" || value === null) return fail('must be "auto", false, or a fixed budget');
  checkKnownKeys(value, ["requests_per_minute", "tokens_per_minute"], fail);
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
  const urls = value.split(",").map((part) => part.trim());
  const expected =
    "must be a redis:// or rediss:// URL, or a comma-separated list of a Redis Cluster's nodes";
  for (const part of urls) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      return fail(expected);
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") fail(expected);
  }
  if (new Set(urls.map((part) => new URL(part).protocol)).size > 1)
    fail("lists the nodes of one cluster: use redis:// for all of them or rediss:// for all of them");
  try {
    createRequire(import.meta.url).resolve("ioredis");
  } catch {
    fail("needs the optional peer dependency ioredis (npm install ioredis)");
  }
  return value;
}

/** A Redis URL (or a cluster's list of them) without credentials, for messages and `util.inspect`. */
export function redactRedisUrl(value: string): string {
  return value
    .split(",")
    .map((part) => {
      try {
        const url = new URL(part.trim());
        // URL encodes brackets in credentials (`%5Bredacted%5D`): a plain marker reads better.
        if (url.username !== "") url.username = "REDACTED";
        if (url.password !== "") url.password = "REDACTED";
        return url.toString().replace(/REDACTED/g, "[redacted]");
      } catch {
        return "[redacted]";
      }
    })
    .join(",");
}

export function validateRetry(
  value: RetryBackoff,
  fail: (problem: string) => never,
): Readonly<Required<RetryBackoff>> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail("must be an object { initial_delay_ms, max_delay_ms, max_retry_after_ms }");
  checkKnownKeys(value, ["initial_delay_ms", "max_delay_ms", "max_retry_after_ms"], fail);
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

/** What makes a header value unsendable: control characters (CR, LF, NUL, ...) or non-Latin-1 text. */
export function headerValueProblem(value: string): string | undefined {
  const control = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0);
    const name =
      code === 13
        ? "a carriage return (CR)"
        : code === 10
          ? "a line feed (LF)"
          : `control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`;
    const hint = code === 13 ? "; a Windows line ending in a .env file leaves one at the end" : "";
    return `contains ${name} at position ${control.index}${hint}`;
  }
  if (/[^\u0000-\u00ff]/.test(value))
    return "contains characters outside Latin-1, which HTTP headers cannot carry";
  return undefined;
}

/** Extra headers: names are HTTP tokens, values have no control characters. */
export function validateHeaders(headers: unknown, fail: (problem: string) => never): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== "object" || Array.isArray(headers))
    fail("must be an object of header names to strings");
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      fail(`${JSON.stringify(name)} is not a valid header name`);
    if (typeof value !== "string") fail(`the value of ${name} must be a string`);
    const problem = headerValueProblem(value as string);
    if (problem !== undefined) fail(`the value of ${name} ${problem}`);
    checked[name] = value as string;
  }
  return checked;
}
