import type { LLMError } from "./llm-error.js";
import type { ToolCall } from "./messages.js";

/**
 * One typed part of a streamed answer, in order: text, refusal and reasoning deltas as they arrive, each
 * tool call once it is complete, then exactly one `finish` (success) or `error` (failure) part.
 */
export type StreamPart =
  | { type: "text-delta"; text: string }
  | { type: "refusal-delta"; text: string }
  /** Reasoning text, from servers that send it (`reasoning_content` / `reasoning`; Claude's thinking). */
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-call"; tool_call: ToolCall }
  | { type: "finish"; finish_reason: string; send_tokens: number; recv_tokens: number; total_tokens: number }
  | { type: "error"; error: LLMError };
