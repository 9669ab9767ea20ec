import type { RetryBackoff } from "../core/base-llm-config.js";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { type PostRequest, sendForText, type TextResponse } from "../transport/post-request.js";
import { retryWithBackoff } from "../transport/retry-with-backoff.js";

/** Where the Files API is and how its requests are made: the provider's endpoint, key and limits. */
export interface FilesEndpoint {
  /** `https://host:port` */
  origin: string;
  /** `api_base`'s path (`/v1beta`): files are at `{basePath}/files`, uploads at `/upload{basePath}/files`. */
  basePath: string;
  /** The JSON headers of every request, auth included (the key goes in a header, never in a URL). */
  headers: Readonly<Record<string, string>>;
  secrets: readonly string[];
  timeoutMs: number;
  maxRetries: number;
  backoff: Readonly<Required<RetryBackoff>>;
  maxResponseBytes: number;
}

/** A file in Gemini's Files API, as director-llm hands it over. */
export interface UploadedFile {
  /** The file's resource name (`files/abc-123`): what `get` and `delete` take. */
  id: string;
  /** The file's URI: what a media part's `file` takes. */
  uri: string;
  media_type: string;
  size_bytes: number | undefined;
  /** `PROCESSING` (videos are processed for a while), `ACTIVE` (usable) or `FAILED`. */
  state: string;
  display_name: string | undefined;
  /** When Gemini deletes it (48 hours after upload), RFC 3339. */
  expires_at: string | undefined;
  /** Why processing failed, when `state` is `FAILED`. */
  error: string | undefined;
  /** A media part that refers to this file, ready for a message's content. */
  part: { type: "media"; file: string; media_type: string };
}

/** Reads a Files API `File` resource; a body without a name or URI is `invalid_response`. */
export function readUploadedFile(value: unknown): UploadedFile {
  const file = isRecord(value) && isRecord(value["file"]) ? value["file"] : value;
  if (!isRecord(file) || typeof file["name"] !== "string" || typeof file["uri"] !== "string")
    throw new LLMError({
      kind: "invalid_response",
      message: "the Files API answer has no file name and uri",
    });
  const text = (key: string) => (typeof file[key] === "string" ? (file[key] as string) : undefined);
  const mediaType = text("mimeType") ?? "application/octet-stream";
  const size = Number(text("sizeBytes") ?? file["sizeBytes"]);
  const error = isRecord(file["error"]) ? file["error"]["message"] : undefined;
  return {
    id: file["name"],
    uri: file["uri"],
    media_type: mediaType,
    size_bytes: Number.isFinite(size) ? size : undefined,
    state: text("state") ?? "STATE_UNSPECIFIED",
    display_name: text("displayName"),
    expires_at: text("expirationTime"),
    error: typeof error === "string" ? error : undefined,
    part: { type: "media", file: file["uri"], media_type: mediaType },
  };
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
