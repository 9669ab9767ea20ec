/** The wire shapes of POST /chat/completions, declaring only the fields director-llm writes or reads. */

export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type WireMessage =
  | { role: "system" | "developer"; content: string | unknown[]; name?: string }
  | { role: "user"; content: string | unknown[]; name?: string }
  | { role: "assistant"; content?: string | unknown[] | null; name?: string; tool_calls?: WireToolCall[] }
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
}

export interface WireChatResponse {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: Array<{
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }> | null;
    } | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
}
