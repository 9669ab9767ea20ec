import type { LLMError } from "../core/llm-error.js";

/** How long a wait is, for people: "40 s", "3 min", "2 h". */
function duration(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 60 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** One line telling the user what to do about a failure, by kind and what else is known. */
export function hintFor(
  error: Pick<LLMError, "kind" | "message" | "retry_after_ms">,
  context: { apiBase: string; streamStarted: boolean; envPrefix?: string },
): string {
  const { kind } = error;
  const env = context.envPrefix ?? "OPENAI";
  const apiBase = context.apiBase;
  switch (kind) {
    case "authentication":
      return `hint: the API key was refused; set ${env}_API_KEY to a valid key`;
    case "permission_denied":
      return "hint: this key may not use this model or endpoint; check the key's project and permissions";
    case "model_not_found":
      return `hint: pick a model this server has, with --model or ${env}_CHAT_MODEL (see \`director-llm models\`)`;
    case "rate_limit":
      return error.retry_after_ms !== undefined && error.retry_after_ms >= 10_000
        ? `hint: rate limited; the server asks to wait ${duration(error.retry_after_ms)} before trying again`
        : "hint: rate limited; wait a moment and try again";
    case "quota_exceeded":
      return "hint: the account is out of quota; check billing";
    case "request_too_large":
    case "context_length_exceeded":
      return "hint: the prompt is too long for this model; shorten it or lower --max-tokens";
    case "timeout":
      if (error.message.includes("total_timeout"))
        return "hint: the call ran out of its total_timeout (retries and waits included); allow it more time";
      if (error.message.includes("idle"))
        return `hint: the stream stalled (no data within the idle timeout); try again, or raise ${env}_TIMEOUT (seconds)`;
      return `hint: the server was too slow; raise ${env}_TIMEOUT (seconds)`;
    case "connection":
      return context.streamStarted
        ? "hint: the connection broke while the answer was streaming (what arrived is above); try again"
        : `hint: could not reach ${apiBase}; is the server running? set ${env}_API_BASE to change it`;
    case "server_error":
      return "hint: the server failed; try again later";
    case "overloaded":
      return "hint: the provider is overloaded; try again in a little while";
    case "invalid_response":
      return `hint: ${apiBase} did not answer like the API it should be; check ${env}_API_BASE (it usually ends in /v1)`;
    case "response_too_large":
      return "hint: the response was larger than max_response_bytes";
    case "bad_request":
      return "hint: the server refused the request; check the model and options";
    case "aborted":
      return "hint: aborted";
    case "invalid_output":
      return "hint: the answer did not match the schema; try repair: 1 or a clearer schema";
    case "max_steps":
      return "hint: the tool loop reached max_steps; raise it or give the model clearer tools";
    case "hook_error":
      return "hint: an approve or on_step hook threw; fix the hook";
    case "content_filter":
      return "hint: the provider blocked the prompt before answering; rephrase it";
    default: {
      const unknown: never = kind;
      return `hint: ${String(unknown)}`;
    }
  }
}
