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
