import type { HttpExchange } from "../transport/http-exchange.js";
import { jsonBody } from "../transport/json-body.js";
import { openRequest, type PostRequest } from "../transport/post-request.js";
import { withCallHeaders } from "./call-headers.js";
import type { PreparedRequest, SendContext } from "./prepared-request.js";

/** One attempt's POST for a provider: its endpoint and headers, the call's own headers, the attempt's limits. */
export function providerPost(options: {
  origin: string;
  path: string;
  headers: Record<string, string>;
  secrets: readonly string[];
  maxResponseBytes: number;
  prepared: PreparedRequest;
  context: SendContext;
}): PostRequest {
  const { prepared, context } = options;
  const { headers, secrets } = withCallHeaders(options.headers, options.secrets, prepared.headers);
  return {
    origin: options.origin,
    path: options.path,
    headers,
    body: jsonBody(prepared.payload),
    timeoutMs: context.timeoutMs,
    timeoutLabel: context.timeoutLabel,
    signal: context.signal,
    maxResponseBytes: options.maxResponseBytes,
    secrets,
    onSent: context.onSent,
    onHeaders: context.onHeaders,
  };
}

/** Opens a streaming attempt; from its headers on, the attempt's timer is the stream's idle timer. */
export async function openIdleStream(request: PostRequest, context: SendContext): Promise<HttpExchange> {
  const exchange = await openRequest(request);
  // The exchange reads this label when the idle timer fires.
  request.timeoutLabel = `stream idle timeout of ${context.idleTimeoutMs / 1000}s`;
  exchange.timer.watchIdle({ idleMs: context.idleTimeoutMs, deadlineAt: context.deadlineAt });
  return exchange;
}
