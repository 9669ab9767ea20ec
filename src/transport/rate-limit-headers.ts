type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** One limit as a server reports it: the bucket's size, what is left, and when it is full again. */
export interface ReportedLimit {
  limit: number;
  remaining: number;
  /** Time until the bucket is full again, in ms. */
  resetMs: number | undefined;
}

/** Parses OpenAI's reset durations: `1s`, `120ms`, `6m0s`, `1m30.5s`, `2h`; `undefined` if unreadable. */
export function parseResetMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = "";
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(match[1]) * units[match[2]!]!;
    matched += match[0];
  }
  return matched === trimmed && matched !== "" ? total : undefined;
}

function read(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Anthropic's resets are RFC 3339 times (`2026-08-19T14:34:15Z`): the wait is measured against
 * the response's own `date` header when it has one (no client clock skew), else the local clock.
 * A time already past (`1970-01-01T00:00:00Z` occurs) says nothing: `undefined`.
 */
export function parseResetTimeMs(
  text: string | undefined,
  dateHeader: string | undefined,
): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  const serverNow = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  const wait = at - (Number.isFinite(serverNow) ? serverNow : Date.now());
  return wait > 0 ? wait : undefined;
}

const LIMIT_HEADERS = [
  "x-ratelimit-limit-requests",
  "x-ratelimit-limit-tokens",
  "anthropic-ratelimit-requests-limit",
  "anthropic-ratelimit-tokens-limit",
];

/**
 * The request and token limits of a response: OpenAI's `x-ratelimit-{limit,remaining,reset}-*`,
 * or Anthropic's `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}` (its `tokens`
 * limit is the most restrictive of its input and output token limits).
 */
export function readRateLimitHeaders(headers: Headers): { requests?: ReportedLimit; tokens?: ReportedLimit } {
  const result: { requests?: ReportedLimit; tokens?: ReportedLimit } = {};
  // Most servers send none of these (every response is read): say so without building names.
  if (LIMIT_HEADERS.every((name) => headers[name] === undefined)) return result;
  for (const kind of ["requests", "tokens"] as const) {
    const anthropic = read(headers, `x-ratelimit-limit-${kind}`) === undefined;
    const name = (field: string) =>
      anthropic ? `anthropic-ratelimit-${kind}-${field}` : `x-ratelimit-${field}-${kind}`;
    const limit = Number(read(headers, name("limit")));
    const remaining = Number(read(headers, name("remaining")));
    if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining)) continue;
    result[kind] = {
      limit,
      remaining: Math.max(0, remaining),
      resetMs: anthropic
        ? parseResetTimeMs(read(headers, name("reset")), read(headers, "date"))
        : parseResetMs(read(headers, name("reset"))),
    };
  }
  return result;
}
