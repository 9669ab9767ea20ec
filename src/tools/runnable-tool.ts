import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import type { LLMError } from "../core/llm-error.js";
import type { LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage, ContentPart, ToolCall } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import type { StandardSchemaV1 } from "../schema/tool-schema.js";

/* The types of `run_tools`: its tools, options, steps and result. */

/** What a tool's `execute` is given besides its validated arguments. */
export interface ToolContext {
  /** Fires when the run is aborted, passes its deadline, or the tool's own `timeout` ends. */
  signal: AbortSignal;
  tool_call_id: string;
  /** The conversation so far (the assistant turn that made this call included). */
  messages: readonly ChatMessage[];
}

/** A tool the loop can run: `parameters` is a JSON Schema or a Standard Schema (its output type flows into `execute`). */
export interface RunnableTool<Args = Record<string, unknown>> {
  name: string;
  description?: string;
  parameters?: Record<string, unknown> | StandardSchemaV1<unknown, Args>;
  /** Returns a string, any JSON value (sent as its JSON text), or `tool_result_parts([...])` for media; may be async. */
  execute: (args: Args, context: ToolContext) => unknown;
  /** Seconds this tool may run. @default the run's `tool_timeout` */
  timeout?: number;
  /** Where the tool comes from, when an MCP server serves it (its `execute_tool` span names the server). */
  mcp?: { server: string; name: string };
}

/** One tool call of a step: what the model asked, what ran, and what went back. */
export interface ToolCallRecord {
  tool_call: ToolCall;
  /** The validated arguments, when they validated. */
  arguments?: unknown;
  /** The result sent back to the model, as text (media described). */
  result: string;
  /** When the tool returned `tool_result_parts`: the parts sent back where the provider takes them. */
  content?: ContentPart[];
  /** Why the call did not produce a result (invalid arguments, unknown tool, refusal, a throw, a timeout). */
  error?: string;
  duration_ms: number;
}

/** One model call of a run and the tool calls it made. */
export interface ToolStep {
  response: LLMResponse;
  tool_calls: ToolCallRecord[];
}

/** A tool of any argument type. */
// biome-ignore lint/suspicious/noExplicitAny: each tool has its own argument type
type AnyTool = RunnableTool<any>;

/** Options of `run_tools` and `stream_run_tools`: the tools, the loop's limits and hooks, and every option of `chat_completions`. */
export interface RunToolsOptions extends Omit<ChatCompletionOptionsInput, "tools"> {
  /**
   * The tools, or a function that gives them (sync or async), asked again before each model call:
   * `tools: () => server.tools()` picks up an MCP server's changed tool list between steps.
   */
  tools: ReadonlyArray<AnyTool> | (() => ReadonlyArray<AnyTool> | Promise<ReadonlyArray<AnyTool>>);
  /** Model calls at most. @default 10 */
  max_steps?: number;
  /** Tool calls of one turn run at once, at most. @default 4 */
  tool_concurrency?: number;
  /** Seconds a tool may run unless it sets its own `timeout`. @default 60 */
  tool_timeout?: number;
  /** Called after each step (model call and its tools). */
  on_step?: (step: ToolStep) => void;
  /** May refuse a call before it runs: `false` or a reason; the refusal goes to the model as the result. */
  approve?: (call: ToolCall) => boolean | string | Promise<boolean | string>;
}

/** The outcome of a run; it always resolves, like `chat_completions`. */
export interface RunToolsResult {
  /** SUCCESS only when the model gave a final answer. */
  status: LLMResponseStatus;
  content: string;
  steps: ToolStep[];
  /** The whole conversation after the run, in Director's shape, ready to continue. */
  messages: ChatMessage[];
  usage: {
    send_tokens: number;
    recv_tokens: number;
    total_tokens: number;
    cost: number | undefined;
    model_calls: number;
  };
  error?: LLMError;
}

/** A part of a streamed tool run: each model call's parts, and each tool call's start and result. */
export type ToolRunPart =
  | StreamPart
  | { type: "tool-start"; tool_call: ToolCall }
  | { type: "tool-result"; record: ToolCallRecord };

/**
 * A streamed tool run: read its parts once, with `for await` or with `for_each`; `result` is the
 * same result `run_tools` gives.
 */
export interface ToolRunStream extends AsyncIterable<ToolRunPart> {
  readonly result: Promise<RunToolsResult>;
  /**
   * Calls `onPart` with each part as it happens, then resolves with `result`; if `onPart` throws,
   * the run is aborted and this rejects with what it threw (see `ChatStream.for_each`).
   */
  for_each(onPart: (part: ToolRunPart) => unknown): Promise<RunToolsResult>;
}
