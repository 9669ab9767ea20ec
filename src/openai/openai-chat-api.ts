/** The wire shapes of POST /chat/completions, declaring only the fields director-llm writes or reads. */

export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  /** Gemini's OpenAI-compatible endpoint: the call's thought signature, sent back as it came. */
  extra_content?: { google?: { thought_signature?: string } };
}

export type WireMessage =
  | { role: "system" | "developer"; content: string | unknown[]; name?: string }
  | { role: "user"; content: string | unknown[]; name?: string }
  | {
      role: "assistant";
      content?: string | unknown[] | null;
      name?: string;
      tool_calls?: WireToolCall[];
      /** Gemini's compatible endpoint: the signature of the turn's text. */
      extra_content?: { google?: { thought_signature?: string } };
    }
  | { role: "tool"; content: string | unknown[]; tool_call_id: string };

export interface WireTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface WireChatRequest {
  model: string;
  messages: WireMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  tools?: WireTool[];
  tool_choice?: unknown;
  response_format?: unknown;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
}

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek: prompt tokens served from its context cache. */
  prompt_cache_hit_tokens?: number;
}

export interface WireChatResponse {
  id?: string;
  model?: string;
  service_tier?: string | null;
  system_fingerprint?: string | null;
  choices?: Array<{
    index?: number;
    message?: {
      content?: string | null;
      refusal?: string | null;
      /** DeepSeek, vLLM and others. */
      reasoning_content?: string | null;
      /** OpenRouter and others. */
      reasoning?: string | null;
      tool_calls?: Array<{
        id?: string;
        type?: string;
        /** `arguments` is a JSON string; some local servers send the object itself. */
        function?: { name?: string; arguments?: string | Record<string, unknown> };
      }> | null;
    } | null;
    logprobs?: WireLogprobs | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
}

/** `choices[].logprobs`: per-token log probabilities of the content and of a refusal. */
export interface WireLogprobs {
  content?: unknown[] | null;
  refusal?: unknown[] | null;
}
