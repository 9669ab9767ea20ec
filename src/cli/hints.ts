import type { LLMErrorKind } from "../core/llm-error.js";

/** One line telling the user what to do about a failure, by kind. */
export function hintFor(kind: LLMErrorKind, apiBase: string): string {
  switch (kind) {
    case "authentication":
      return "hint: the API key was refused; set OPENAI_API_KEY to a valid key";
    case "permission_denied":
      return "hint: this key may not use this model or endpoint; check the key's project and permissions";
    case "model_not_found":
      return "hint: pick a model this server has, with --model or OPENAI_CHAT_MODEL (see `director-llm models`)";
    case "rate_limit":
      return "hint: rate limited; wait a moment and try again";
    case "quota_exceeded":
      return "hint: the account is out of quota; check billing";
    case "request_too_large":
    case "context_length_exceeded":
      return "hint: the prompt is too long for this model; shorten it or lower --max-tokens";
    case "timeout":
      return "hint: the server was too slow; raise OPENAI_TIMEOUT (seconds)";
    case "connection":
      return `hint: could not reach ${apiBase}; is the server running? set OPENAI_API_BASE to change it`;
    case "server_error":
      return "hint: the server failed; try again later";
    case "invalid_response":
      return `hint: ${apiBase} did not answer like an OpenAI-compatible API; check OPENAI_API_BASE (it usually ends in /v1)`;
    case "response_too_large":
      return "hint: the response was larger than max_response_bytes";
    case "bad_request":
      return "hint: the server refused the request; check the model and options";
    case "aborted":
      return "hint: aborted";
    default: {
      const unknown: never = kind;
      return `hint: ${String(unknown)}`;
    }
  }
}
