import type { Dispatcher } from "undici";
import { LLMError } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { connectionsFor, loadUndici, type OriginConnections } from "./http-agent.js";
import { firstHeader, HttpExchange, type PostRequest, type ResponseHeaders } from "./http-exchange.js";

export type { PostRequest, ResponseHeaders } from "./http-exchange.js";

/** A 2xx answer with its JSON body parsed. */
export interface JsonResponse {
  status: number;
  headers: ResponseHeaders;
  request_id: string | undefined;
  body: unknown;
}

/** Where to send: the request's own dispatcher, or its origin's shared connections (a promise only while undici loads). */
function connectionsOf(request: PostRequest): Dispatcher | OriginConnections | Promise<OriginConnections> {
  if (request.dispatcher) return request.dispatcher;
  const undici = loadUndici();
  return undici instanceof Promise
    ? undici.then((module) => connectionsFor(module, request.origin))
    : connectionsFor(undici, request.origin);
}

/** Sends the request; resolves once the exchange settles (see {@link HttpExchange.send}). */
function exchangeFor(request: PostRequest, streaming: boolean): Promise<HttpExchange> {
  const exchange = new HttpExchange(request, streaming);
  const target = connectionsOf(request);
  const sent =
    target instanceof Promise ? target.then((ready) => exchange.send(ready)) : exchange.send(target);
  return sent.then(() => exchange);
}

/** Sends one POST and returns the parsed JSON body of a 2xx answer; everything else rejects with an LLMError. */
export function postJson(request: PostRequest): Promise<JsonResponse> {
  return exchangeFor(request, false).then((exchange) => parsedBody(exchange, request));
}

function parsedBody(exchange: HttpExchange, request: PostRequest): JsonResponse {
  const text = exchange.text();
  const request_id = firstHeader(exchange.headers, "x-request-id");
  try {
    return { status: exchange.status, headers: exchange.headers, request_id, body: JSON.parse(text) };
  } catch {
    const type = firstHeader(exchange.headers, "content-type") ?? "no content-type";
    const snippet = redactSecrets(text.slice(0, 80), request.secrets).replace(/\s+/g, " ");
    throw new LLMError({
      kind: "invalid_response",
      message: `${exchange.status} response is not JSON (${type}, ${text.length} chars): ${JSON.stringify(snippet)}`,
      status_code: exchange.status,
      request_id,
    });
  }
}

/** A 2xx answer with its body as text (a side API whose answer may be empty). */
export interface TextResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/** Sends one request and returns a 2xx answer's status, headers and body text; everything else rejects with an LLMError. */
export function sendForText(request: PostRequest): Promise<TextResponse> {
  return exchangeFor(request, false).then((exchange) => ({
    status: exchange.status,
    headers: exchange.headers,
    text: exchange.text(),
  }));
}

/** Sends one POST and returns once a 2xx status and headers arrived; read the body from `exchange.batches()`. */
export function openRequest(request: PostRequest): Promise<HttpExchange> {
  return exchangeFor(request, true);
}
