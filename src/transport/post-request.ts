import type { Dispatcher } from "undici";
import { LLMError } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { AttemptSignal } from "./attempt-signal.js";
import { classifyHttpError } from "./classify-http-error.js";
import { getSharedAgent, loadUndici } from "./http-agent.js";

type ResponseHeaders = Record<string, string | string[] | undefined>;

/** One HTTP attempt: a POST with a JSON body. */
export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Time limit of the attempt in ms (for a stream: until the headers, then between chunks). */
  timeoutMs: number;
  /** What a timeout is called in the error message, e.g. `timeout of 30s`. */
  timeoutLabel: string;
  signal?: AbortSignal | undefined;
  maxResponseBytes: number;
  /** Texts to remove from every error message (the API key). */
  secrets: readonly string[];
  dispatcher?: Dispatcher | undefined;
  /** Called with the headers of every response, whatever its status (rate-limit pacing). */
  onHeaders?: ((headers: ResponseHeaders) => void) | undefined;
  /** Called just before the request is handed to the network (counts attempts). */
  onSent?: (() => void) | undefined;
}

/** A 2xx answer whose body has not been read yet. The caller must `attempt.dispose()`. */
export interface OpenResponse {
  status: number;
  headers: ResponseHeaders;
  request_id: string | undefined;
  body: Dispatcher.ResponseData["body"];
  attempt: AttemptSignal;
}

/** A 2xx answer with its JSON body parsed. */
export interface JsonResponse {
  status: number;
  headers: ResponseHeaders;
  request_id: string | undefined;
  body: unknown;
}

function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Classifies what undici threw (or the body stream raised) once: our timer, the caller's
 * signal, or the network. Errors that are not from the network are bugs and are rethrown.
 */
export function transportError(error: unknown, attempt: AttemptSignal, options: PostRequest): LLMError {
  if (error instanceof LLMError) return error;
  if (attempt.reason === "timeout") {
    return new LLMError({
      kind: "timeout",
      message: `request exceeded the ${options.timeoutLabel}`,
      retryable: true,
    });
  }
  if (attempt.reason === "aborted")
    return new LLMError({ kind: "aborted", message: "request aborted by the caller" });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    const message = redactSecrets(`${code}: ${(error as Error).message}`, options.secrets);
    return new LLMError({ kind: "connection", message, retryable: true, cause: error });
  }
  throw error;
}

/** Reads a body up to `maxBytes`; past that, cancels it and fails as `response_too_large`. */
export async function readBody(
  body: Dispatcher.ResponseData["body"],
  headers: ResponseHeaders,
  maxBytes: number,
): Promise<string> {
  const tooLarge = () => {
    // undici raises RequestAbortedError on a body destroyed before its end; nobody else listens.
    body.on("error", () => {});
    body.destroy();
    return new LLMError({
      kind: "response_too_large",
      message: `response body exceeds max_response_bytes (${maxBytes} bytes)`,
    });
  };
  const declared = Number(firstHeader(headers, "content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (Number.isFinite(declared)) return await body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Sends one POST and returns once a 2xx status and headers arrive. Any other status is read
 * (capped) and classified into an {@link LLMError}. Redirects are never followed.
 */
export async function openRequest(options: PostRequest): Promise<OpenResponse> {
  const attempt = new AttemptSignal(options.signal, options.timeoutMs);
  try {
    if (attempt.reason === "aborted")
      throw new LLMError({ kind: "aborted", message: "request aborted by the caller" });
    const undici = await loadUndici();
    // The attempt may have ended while undici loaded (first request only); transportError says how.
    if (attempt.reason !== undefined) throw new Error("attempt ended before sending");
    options.onSent?.();
    const response = await undici.request(options.url, {
      method: "POST",
      headers: options.headers,
      body: options.body,
      signal: attempt.signal,
      dispatcher: options.dispatcher ?? getSharedAgent(undici),
    });
    const headers = response.headers as ResponseHeaders;
    options.onHeaders?.(headers);
    const request_id = firstHeader(headers, "x-request-id");
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return { status: response.statusCode, headers, request_id, body: response.body, attempt };
    }
    let bodyText = "";
    try {
      bodyText = await readBody(response.body, headers, Math.min(options.maxResponseBytes, 1024 * 1024));
    } catch (error) {
      if (attempt.reason !== undefined) throw error;
      // An unreadable error body still has a status worth classifying.
    }
    throw classifyHttpError({ status: response.statusCode, headers, bodyText, secrets: options.secrets });
  } catch (error) {
    attempt.dispose();
    throw transportError(error, attempt, options);
  }
}

/** Sends one POST and returns the parsed JSON body of a 2xx answer; everything else throws an LLMError. */
export async function postJson(options: PostRequest): Promise<JsonResponse> {
  const open = await openRequest(options);
  const { attempt } = open;
  try {
    const text = await readBody(open.body, open.headers, options.maxResponseBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const type = firstHeader(open.headers, "content-type") ?? "no content-type";
      const snippet = redactSecrets(text.slice(0, 80), options.secrets).replace(/\s+/g, " ");
      throw new LLMError({
        kind: "invalid_response",
        message: `${open.status} response is not JSON (${type}, ${text.length} chars): ${JSON.stringify(snippet)}`,
        status_code: open.status,
        request_id: open.request_id,
      });
    }
    return { status: open.status, headers: open.headers, request_id: open.request_id, body };
  } catch (error) {
    throw transportError(error, attempt, options);
  } finally {
    attempt.dispose();
  }
}
