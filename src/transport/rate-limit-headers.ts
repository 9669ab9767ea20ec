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

/** The request and token limits in `x-ratelimit-*` headers, where present. */
export function readRateLimitHeaders(headers: Headers): { requests?: ReportedLimit; tokens?: ReportedLimit } {
  const result: { requests?: ReportedLimit; tokens?: ReportedLimit } = {};
  for (const kind of ["requests", "tokens"] as const) {
    const limit = Number(read(headers, `x-ratelimit-limit-${kind}`));
    const remaining = Number(read(headers, `x-ratelimit-remaining-${kind}`));
    if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining)) continue;
    result[kind] = {
      limit,
      remaining: Math.max(0, remaining),
      resetMs: parseResetMs(read(headers, `x-ratelimit-reset-${kind}`)),
    };
  }
  return result;
}
