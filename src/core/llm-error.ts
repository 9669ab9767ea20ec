import type { CallSignal } from "./call-abort.js";
/**
 * What went wrong with a request, classified once where the response (or its absence) is seen.
 *
 * - `timeout`: an attempt or the whole call ran past its time limit.
 * - `rate_limit`: 429 `rate_limit_exceeded` that a later retry can pass.
 * - `quota_exceeded`: 429 `insufficient_quota`: billing, never retried.
 * - `request_too_large`: 429 "Request too large ... tokens per min": the request alone exceeds the limit.
 * - `authentication` (401), `permission_denied` (403), `model_not_found` (404 or code `model_not_found`).
 * - `context_length_exceeded`: the prompt (plus output budget) does not fit the model's context window.
 * - `bad_request`: any other 4xx. `server_error`: 5xx. `connection`: refused, reset, DNS, TLS, cut body.
 * - `invalid_response`: a 2xx whose body is not a usable completion (HTML, truncated JSON, no choices),
 *   or a redirect, which is never followed.
 * - `response_too_large`: the body passed `max_response_bytes`. `aborted`: the caller's signal fired.
 */
export type LLMErrorKind =
  | "timeout"
  | "rate_limit"
  | "quota_exceeded"
  | "request_too_large"
  | "authentication"
  | "permission_denied"
  | "model_not_found"
  | "context_length_exceeded"
  | "bad_request"
  | "server_error"
  /** The provider is overloaded (Anthropic's 529 `overloaded_error`): retryable. */
  | "overloaded"
  | "connection"
  | "invalid_response"
  | "response_too_large"
  | "aborted"
  /** A tool run (`run_tools`) reached `max_steps` with the model still calling tools. */
  | "max_steps"
  /** The answer did not match the `response_format` schema (`issues` says how; `content` keeps it). */
  | "invalid_output"
  /** An `approve` or `on_step` hook of `run_tools` threw: the run ended, its running tools aborted. */
  | "hook_error"
  /** The prompt was blocked before any answer was generated (Gemini's `promptFeedback.blockReason`). */
  | "content_filter";

/** Everything that can describe an {@link LLMError}; only `kind` and `message` are required. */
export interface LLMErrorInit {
  kind: LLMErrorKind;
  message: string;
  /** HTTP status of the response, when there was one. */
  status_code?: number | undefined;
  /** The server's `x-request-id`, to quote to the provider's support. */
  request_id?: string | undefined;
  /** Whether the same request may succeed if sent again later. */
  retryable?: boolean | undefined;
  /** Milliseconds the server asked us to wait (`retry-after-ms` / `retry-after`). */
  retry_after_ms?: number | undefined;
  /** The provider's error `code` (`invalid_api_key`, `rate_limit_exceeded`, ...). */
  code?: string | undefined;
  /** The provider's error `type` (`invalid_request_error`, `tokens`, ...). */
  type?: string | undefined;
  /** The request parameter the provider blamed, when it named one. */
  param?: string | undefined;
  /** For `invalid_output`: each way the answer failed the schema (`output.date: ...`). */
  issues?: string[] | undefined;
  cause?: unknown;
}

/**
 * The error carried by a failed {@link LLMResponse} (`res.error`). It is a real `Error`, so
 * `throw res.error` works. Its message never contains the API key.
 */
export class LLMError extends Error {
  override name = "LLMError";
  readonly kind: LLMErrorKind;
  readonly status_code: number | undefined;
  readonly request_id: string | undefined;
  readonly retryable: boolean;
  readonly retry_after_ms: number | undefined;
  readonly code: string | undefined;
  readonly type: string | undefined;
  readonly param: string | undefined;
  /** For `invalid_output`: each way the answer failed the schema; `[]` otherwise. */
  readonly issues: readonly string[];
  /** Requests actually sent for this call (0 when it failed before sending). Set by the retry loop. */
  attempts = 0;

  constructor(init: LLMErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status_code = init.status_code;
    this.request_id = init.request_id;
    this.retryable = init.retryable ?? false;
    this.retry_after_ms = init.retry_after_ms;
    this.code = init.code;
    this.type = init.type;
    this.param = init.param;
    this.issues = init.issues ?? [];
  }

  /** The error as JSON (kind, message, status, ids, retry data), for logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status_code: this.status_code,
      request_id: this.request_id,
      retryable: this.retryable,
      attempts: this.attempts,
      retry_after_ms: this.retry_after_ms,
      code: this.code,
      type: this.type,
      param: this.param,
      issues: this.issues,
    };
  }
}

/** The error of a call whose caller's signal fired, at whatever stage. */
export function abortedByCaller(signal?: CallSignal): LLMError {
  const reason: unknown = signal?.reason;
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
  const timedOut = reason instanceof Error && reason.name === "TimeoutError";
  return new LLMError({
    kind: "aborted",
    message: timedOut
      ? "request aborted by the caller's signal: it timed out (AbortSignal.timeout)"
      : "request aborted by the caller",
    cause: reason,
  });
}
