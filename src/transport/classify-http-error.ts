import { LLMError, type LLMErrorKind } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { parseRetryAfterMs, rateLimitResetMs } from "./retry-after.js";

type Headers = Readonly<Record<string, string | string[] | undefined>>;

interface ErrorBody {
  request_id?: string;
  message?: string;
  code?: string;
  type?: string;
  param?: string;
  /** Google's `details` (`ErrorInfo`, `QuotaFailure`, `RetryInfo`, ...), as sent. */
  details?: Record<string, unknown>[];
}

/** Statuses and kinds that can never succeed by sending the same request again. */
const NEVER_RETRY_STATUS = new Set([400, 401, 403, 404, 422]);
const NEVER_RETRY_KIND = new Set<LLMErrorKind>([
  "quota_exceeded",
  "request_too_large",
  "context_length_exceeded",
]);

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Reads OpenAI's `{error:{message,code,type,param}}` and the shapes compatible servers use instead. */
function readErrorBody(bodyText: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    const snippet = bodyText.trim().slice(0, 200);
    return snippet === "" ? {} : { message: snippet };
  }
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const inner = record["error"];
  if (typeof inner === "string") return { message: inner };
  const source = typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>) : record;
  const result: ErrorBody = {};
  if (typeof record["request_id"] === "string") result.request_id = record["request_id"];
  const validation = validationDetail(source["detail"]);
  const message =
    text(source["message"]) ?? text(source["detail"]) ?? validation?.message ?? text(source["title"]);
  if (message !== undefined) result.message = message;
  // Google's body: `{ error: { code: 400, message, status: "INVALID_ARGUMENT", details } }`: its
  // status name says more than the number, which repeats the HTTP status.
  const code = typeof source["status"] === "string" ? source["status"] : text(source["code"]);
  if (code !== undefined) result.code = code;
  const type = text(source["type"]);
  if (type !== undefined) result.type = type;
  const param = text(source["param"]) ?? validation?.param;
  if (param !== undefined) result.param = param;
  if (Array.isArray(source["details"]))
    result.details = source["details"].filter(
      (detail): detail is Record<string, unknown> => typeof detail === "object" && detail !== null,
    );
  return result;
}

/**
 * A FastAPI / pydantic validation error (`{"detail": [{"loc": ["body", "messages", 0], "msg":
 * "field required"}]}`, the 422 of many Python servers): each problem with the field it names.
 */
function validationDetail(detail: unknown): { message: string; param?: string } | undefined {
  if (!Array.isArray(detail) || detail.length === 0) return undefined;
  const problems: Array<{ at: string; msg: string }> = [];
  for (const entry of detail) {
    if (typeof entry !== "object" || entry === null) continue;
    const { loc, msg } = entry as { loc?: unknown; msg?: unknown };
    const at = Array.isArray(loc) ? loc.map(String).join(".") : "";
    problems.push({ at, msg: typeof msg === "string" ? msg : JSON.stringify(entry) });
  }
  if (problems.length === 0) return undefined;
  const message = problems.map(({ at, msg }) => (at === "" ? msg : `${at}: ${msg}`)).join("; ");
  const param = problems[0]!.at;
  return param === "" ? { message } : { message, param };
}

/** A Google error detail by its `@type` suffix (`ErrorInfo`, `QuotaFailure`, `RetryInfo`). */
function googleDetail(body: ErrorBody, type: string): Record<string, unknown> | undefined {
  return body.details?.find((detail) => String(detail["@type"] ?? "").endsWith(`.${type}`));
}

/** Google's `RetryInfo.retryDelay` (`"48.939935699s"`), in ms. */
function googleRetryDelayMs(body: ErrorBody): number | undefined {
  const delay = googleDetail(body, "RetryInfo")?.["retryDelay"];
  const match = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return match ? Math.ceil(Number.parseFloat(match[1]!) * 1000) : undefined;
}

/** A Google 429 whose `QuotaFailure` names a daily (or other non-per-minute) quota: spent until it resets. */
function googleQuotaSpent(body: ErrorBody): boolean {
  const failure = googleDetail(body, "QuotaFailure");
  const violations = Array.isArray(failure?.["violations"]) ? failure["violations"] : [];
  return violations.some((violation: unknown) => {
    const record = (typeof violation === "object" && violation !== null ? violation : {}) as Record<
      string,
      unknown
    >;
    const id = `${String(record["quotaId"] ?? "")} ${String(record["quotaMetric"] ?? "")}`;
    return /PerDay|per_day|daily|prepay|credit|billing/i.test(id);
  });
}

function kindOf(status: number, body: ErrorBody): LLMErrorKind {
  const message = body.message ?? "";
  // Gateways send codes in upper case (`CONTEXT_LENGTH_EXCEEDED`): codes match case-insensitively.
  const code = body.code?.toLowerCase();
  if (
    code === "context_length_exceeded" ||
    body.type === "exceed_context_size_error" ||
    /maximum context length|context window|context_length|available context size|prompt is too long|input token count .*exceeds/i.test(
      message,
    )
  ) {
    return "context_length_exceeded";
  }
  // Gemini answers a bad key with 400 INVALID_ARGUMENT and `ErrorInfo.reason: API_KEY_INVALID`.
  if (googleDetail(body, "ErrorInfo")?.["reason"] === "API_KEY_INVALID") return "authentication";
  if (status === 429) {
    if (code === "insufficient_quota" || googleQuotaSpent(body)) return "quota_exceeded";
    if (/request too large/i.test(message)) return "request_too_large";
    return "rate_limit";
  }
  // 402: DeepSeek's "Insufficient Balance", OpenRouter's insufficient credits.
  if (status === 402) return "quota_exceeded";
  if (status === 401) return "authentication";
  if (status === 403) return "permission_denied";
  if (code === "model_not_found" || (status === 404 && /model/i.test(message))) return "model_not_found";
  if (status === 408 || (status === 504 && code === "deadline_exceeded")) return "timeout";
  if (status === 413) return "request_too_large";
  if (status === 529 || /overloaded/i.test(body.type ?? "")) return "overloaded";
  // Gemini: 503 UNAVAILABLE "The model is overloaded. Please try again later."
  if (status === 503 && code === "unavailable" && /overloaded/i.test(message)) return "overloaded";
  if (status >= 500) return "server_error";
  if (status >= 300 && status < 400) return "invalid_response";
  return "bad_request";
}

function isRetryable(status: number, kind: LLMErrorKind, shouldRetry: string | undefined): boolean {
  if (NEVER_RETRY_KIND.has(kind) || NEVER_RETRY_STATUS.has(status)) return false;
  if (shouldRetry === "false") return false;
  if (shouldRetry === "true") return true;
  return status === 408 || status === 409 || kind === "rate_limit" || kind === "overloaded" || status >= 500;
}

/**
 * Turns a non-2xx response into an {@link LLMError}: kind from status, the error body's
 * `code`/`type`/message and headers; retryable from the retry policy; the wait the server asked for.
 * Every secret is removed from the message (servers echo keys back).
 */
export function classifyHttpError(options: {
  status: number;
  headers: Headers;
  bodyText: string;
  secrets: readonly string[];
}): LLMError {
  const { status, headers, bodyText, secrets } = options;
  const body = readErrorBody(bodyText);
  const kind = kindOf(status, body);
  const location = header(headers, "location");
  let detail = body.message ?? `HTTP ${status}`;
  if (status >= 300 && status < 400) {
    detail = `redirect${location ? ` to ${location}` : ""} not followed (check api_base)`;
  } else if (status === 404 && kind === "bad_request") {
    detail = `${detail} (check api_base: the server has no such path)`;
  }
  const code = body.code ? ` ${body.code}` : "";
  return new LLMError({
    kind,
    message: redactSecrets(`${status}${code}: ${detail}`, secrets),
    status_code: status,
    // OpenAI's `x-request-id`; Anthropic's `request-id` header, or `request_id` in its error body.
    request_id: header(headers, "x-request-id") ?? body.request_id ?? header(headers, "request-id"),
    retryable: isRetryable(status, kind, header(headers, "x-should-retry")),
    retry_after_ms:
      parseRetryAfterMs(headers) ??
      (kind === "rate_limit" ? (rateLimitResetMs(headers) ?? googleRetryDelayMs(body)) : undefined),
    code: body.code,
    type: body.type,
    param: body.param,
  });
}

/** The HTTP status an in-stream error object implies: a numeric `code`, else its code or type. */
function statusOfErrorObject(body: ErrorBody): number {
  const numeric = Number(body.code);
  if (body.code !== undefined && Number.isInteger(numeric) && numeric >= 400 && numeric <= 599)
    return numeric;
  const code = body.code?.toLowerCase() ?? "";
  const type = body.type?.toLowerCase() ?? "";
  if (["rate_limit_exceeded", "insufficient_quota"].includes(code) || type.includes("rate_limit")) return 429;
  if (
    code === "context_length_exceeded" ||
    type === "invalid_request_error" ||
    code === "invalid_request_error"
  )
    return 400;
  if (type === "authentication_error" || code === "invalid_api_key") return 401;
  if (type === "permission_error") return 403;
  if (type === "not_found_error" || code === "model_not_found") return 404;
  if (type === "request_too_large") return 413;
  if (type.includes("overloaded") || code === "overloaded") return 529;
  return 500;
}

/**
 * Classifies an error that arrives inside a 200 stream (`data: {"error": ...}` or an
 * `event: error` frame) exactly like the HTTP error it stands for, with the same classifier:
 * a numeric `code` is the status, codes match case-insensitively, a rate limit or server error is
 * retryable (while nothing has been delivered), a bad request is not. The provider's message is kept.
 */
export function classifyStreamError(options: {
  error: unknown;
  request_id: string | undefined;
  secrets: readonly string[];
  /** Where it arrived, the message's prefix. @default "error event in stream" */
  where?: string;
}): LLMError {
  const raw = options.error;
  const wrapped =
    typeof raw === "string" ? { error: { message: raw } } : { error: raw ?? { message: "unknown error" } };
  const bodyText = JSON.stringify(wrapped);
  const status = statusOfErrorObject(readErrorBody(bodyText));
  const classified = classifyHttpError({ status, headers: {}, bodyText, secrets: options.secrets });
  return new LLMError({
    kind: classified.kind,
    message: `${options.where ?? "error event in stream"}: ${classified.message.replace(/^\d+:? ?/, "")}`,
    request_id: options.request_id,
    retryable: classified.retryable,
    code: classified.code,
    type: classified.type,
    param: classified.param,
  });
}
