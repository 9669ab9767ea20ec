import type { Handler } from "./test-server.js";
import { completion } from "./handlers.js";

/** A token bucket that refills continuously. */
class Bucket {
  available: number;
  #at = Date.now();
  constructor(
    readonly capacity: number,
    readonly perSecond: number,
  ) {
    this.available = capacity;
  }
  refill(): void {
    const now = Date.now();
    this.available = Math.min(this.capacity, this.available + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
  }
  /** Milliseconds until the bucket is full again. */
  resetMs(): number {
    return Math.ceil(((this.capacity - this.available) / this.perSecond) * 1000);
  }
}

/** OpenAI-style limits: one bucket of requests and one of tokens, full at start. */
export interface Limits {
  requests: { capacity: number; perSecond: number };
  tokens: { capacity: number; perSecond: number };
  /** The prompt tokens the server charges for a request body. */
  promptTokens: (body: Record<string, unknown>) => number;
}

/**
 * A handler that enforces request and token budgets like OpenAI's limiter: each request is charged
 * one request and its prompt tokens plus the `max_tokens` it sends; answers carry `x-ratelimit-*`
 * headers; an over-budget request gets a 429 with OpenAI's body and `retry-after-ms`.
 */
export function rateLimitedServer(limits: Limits): {
  handler: Handler;
  stats: { ok: number; limited: number };
} {
  const requests = new Bucket(limits.requests.capacity, limits.requests.perSecond);
  const tokens = new Bucket(limits.tokens.capacity, limits.tokens.perSecond);
  const stats = { ok: 0, limited: 0 };
  const handler: Handler = (request, response) => {
    const body = request.body as Record<string, unknown>;
    const cost = limits.promptTokens(body) + Number(body["max_tokens"] ?? body["max_completion_tokens"] ?? 0);
    requests.refill();
    tokens.refill();
    const allowed = requests.available >= 1 && tokens.available >= cost;
    if (allowed) {
      requests.available -= 1;
      tokens.available -= cost;
    }
    const headers = {
      "content-type": "application/json",
      "x-ratelimit-limit-requests": String(requests.capacity),
      "x-ratelimit-remaining-requests": String(Math.floor(requests.available)),
      "x-ratelimit-reset-requests": `${requests.resetMs()}ms`,
      "x-ratelimit-limit-tokens": String(tokens.capacity),
      "x-ratelimit-remaining-tokens": String(Math.floor(tokens.available)),
      "x-ratelimit-reset-tokens": `${tokens.resetMs()}ms`,
    };
    if (!allowed) {
      stats.limited += 1;
      const waitMs = Math.ceil(
        Math.max(
          ((1 - requests.available) / requests.perSecond) * 1000,
          ((cost - tokens.available) / tokens.perSecond) * 1000,
        ),
      );
      response.writeHead(429, { ...headers, "retry-after-ms": String(waitMs) });
      response.end(
        JSON.stringify({
          error: {
            message: `Rate limit reached. Please try again in ${waitMs}ms.`,
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        }),
      );
      return;
    }
    stats.ok += 1;
    response.writeHead(200, headers);
    response.end(
      JSON.stringify(
        completion("ok", {
          usage: {
            prompt_tokens: limits.promptTokens(body),
            completion_tokens: 1,
            total_tokens: limits.promptTokens(body) + 1,
          },
        }),
      ),
    );
  };
  return { handler, stats };
}
