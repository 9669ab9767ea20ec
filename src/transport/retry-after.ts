import { readRateLimitHeaders } from "./rate-limit-headers.js";

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait a server asked for, in milliseconds: `retry-after-ms` first (OpenAI's), then
 * `retry-after` as seconds or as an HTTP date. `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, HeaderValue>>,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = first(headers["retry-after-ms"]);
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const retryAfter = first(headers["retry-after"])?.trim();
  if (retryAfter === undefined || retryAfter === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * For a 429 that names no wait: when the limit it exhausted (`x-ratelimit-remaining-*` at 0) is
 * full again, from `x-ratelimit-reset-*`, in ms; `undefined` when no limit is at 0.
 */
export function rateLimitResetMs(headers: Readonly<Record<string, HeaderValue>>): number | undefined {
  const reported = readRateLimitHeaders(headers);
  let wait: number | undefined;
  for (const limit of [reported.requests, reported.tokens]) {
    if (limit !== undefined && limit.remaining < 1 && limit.resetMs !== undefined) {
      wait = Math.max(wait ?? 0, Math.ceil(limit.resetMs));
    }
  }
  return wait;
}
