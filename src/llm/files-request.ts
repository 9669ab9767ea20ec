import type { RetryBackoff } from "../core/base-llm-config.js";
import { LLMError } from "../core/llm-error.js";
import { type PostRequest, sendForText, type TextResponse } from "../transport/post-request.js";
import { retryWithBackoff } from "../transport/retry-with-backoff.js";

/** Where a provider's Files API is and how its requests are made: the endpoint, key and limits. */
export interface FilesEndpoint {
  /** `https://host:port` */
  origin: string;
  /** `api_base`'s path (`/v1beta`, `/v1`): files are under `{basePath}/files`. */
  basePath: string;
  /** The JSON headers of every request, auth included (the key goes in a header, never in a URL). */
  headers: Readonly<Record<string, string>>;
  secrets: readonly string[];
  timeoutMs: number;
  maxRetries: number;
  backoff: Readonly<Required<RetryBackoff>>;
  maxResponseBytes: number;
}

/**
 * One Files API request with the provider's time limit and retries (a retryable failure is sent
 * again with backoff, as chat calls are); the answer's status, headers and body text.
 */
export async function filesRequest(
  endpoint: FilesEndpoint,
  request: Pick<PostRequest, "path" | "method" | "body"> & {
    origin?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal | undefined;
    /** More texts to keep out of error messages (an upload session's URL). */
    secrets?: readonly string[];
  },
): Promise<TextResponse> {
  const { value } = await retryWithBackoff({
    maxRetries: endpoint.maxRetries,
    backoff: endpoint.backoff,
    attemptTimeoutMs: endpoint.timeoutMs,
    signal: request.signal,
    run: (attempt) =>
      sendForText({
        origin: request.origin ?? endpoint.origin,
        path: request.path,
        method: request.method ?? "POST",
        headers: request.headers ?? endpoint.headers,
        body: request.body,
        timeoutMs: attempt.timeoutMs,
        timeoutLabel: attempt.timeoutLabel,
        signal: request.signal,
        maxResponseBytes: endpoint.maxResponseBytes,
        secrets: [...endpoint.secrets, ...(request.secrets ?? [])],
        onSent: attempt.onSent,
      }),
  });
  return value;
}

/** The JSON body of an answer; a body that is not JSON is `invalid_response`. */
export function jsonOf(response: TextResponse): unknown {
  try {
    return response.text === "" ? {} : JSON.parse(response.text);
  } catch {
    throw new LLMError({
      kind: "invalid_response",
      message: `${response.status} Files API answer is not JSON (${response.text.length} chars)`,
      status_code: response.status,
    });
  }
}
