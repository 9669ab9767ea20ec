import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import { sharedSignal } from "../core/call-abort.js";
import { isToolResultParts, partsAsText } from "../core/tool-result-parts.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { type LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage, ToolCall, ToolDefinition } from "../core/messages.js";
import { redactSecrets } from "../core/redact.js";
import { timerDelay } from "../transport/timer-limits.js";
import type {
  RunnableTool,
  RunToolsOptions,
  RunToolsResult,
  ToolCallRecord,
  ToolRunPart,
  ToolStep,
} from "./runnable-tool.js";
import { captureContent, type TelemetryTarget, traced } from "../telemetry/telemetry.js";
import { checkRunToolsOptions } from "./check-run-tools-options.js";
import { compileToolSchema } from "../schema/tool-schema.js";

/** The text a tool result goes back as: strings as they are, other values as JSON. */
function resultText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {}
  throw new Error("the tool returned a value JSON cannot represent");
}

/** Runs `tasks` with at most `width` at once, keeping their order in the results. */
async function bounded<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/**
 * The tool loop: call the model with the tools; when it answers without tool calls the run ends
 * with that answer; otherwise every call of the turn is validated and run (concurrently, bounded),
 * the assistant turn and one result per call (in call order) are appended, and the model is called
 * again. Invalid arguments, unknown tools, refusals and throwing tools become error results the
 * model can act on; none of them ends the run. Bounded by `max_steps`, each tool's timeout, and the
 * run's `signal` and `total_timeout`.
 */
export function runTools(
  llm: Parameters<typeof runLoop>[0],
  messages: readonly ChatMessage[],
  options: RunToolsOptions,
  streaming?: Parameters<typeof runLoop>[3],
): Promise<RunToolsResult> {
  // One `invoke_agent` span around the run; each model call a `chat` child, each tool an `execute_tool` child.
  return traced(
    "invoke_agent",
    { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "director-llm run_tools" },
    () => runLoop(llm, messages, options, streaming),
    (result) => result.error?.kind,
    llm.config.telemetry,
  );
}

async function runLoop(
  llm: {
    chat_completions(
      messages: readonly ChatMessage[],
      options: ChatCompletionOptionsInput,
    ): Promise<LLMResponse>;
    readonly config: { readonly secrets: readonly string[]; readonly telemetry?: TelemetryTarget };
  },
  messages: readonly ChatMessage[],
  options: RunToolsOptions,
  /** The streaming form: how each model call is made, and where the run's parts go. */
  streaming?: {
    call: (messages: readonly ChatMessage[], options: ChatCompletionOptionsInput) => Promise<LLMResponse>;
    emit: (part: ToolRunPart) => void;
  },
): Promise<RunToolsResult> {
  const {
    tools,
    max_steps = 10,
    tool_concurrency = 4,
    tool_timeout = 60,
    on_step,
    approve,
    ...call
  } = options;
  // `tools` may be a function: it is asked again before each model call, so a tool list that
  // changes during a run (an MCP server's `list_changed`) is picked up between steps.
  const listTools = typeof tools === "function" ? tools : () => tools;
  type Compiled = Map<string, { tool: RunnableTool<unknown>; schema: ReturnType<typeof compileToolSchema> }>;
  let current: ReadonlyArray<RunnableTool<unknown>> = [];
  let compiled: Compiled = new Map();
  let wireTools: ToolDefinition[] = [];
  const load = async () => {
    const list = await listTools();
    checkRunToolsOptions({ tools: list, max_steps, tool_concurrency, tool_timeout });
    current = list;
    compiled = new Map(
      list.map(
        (tool, index) =>
          [
            tool.name,
            { tool, schema: compileToolSchema(tool.parameters, `tools[${index}].parameters`) },
          ] as const,
      ),
    );
    wireTools = list.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: compiled.get(tool.name)!.schema.wire,
    }));
  };
  await load();
  const deadlineAt =
    typeof call.total_timeout === "number" && Number.isFinite(call.total_timeout)
      ? performance.now() + call.total_timeout * 1000
      : undefined;
  const runSignal = sharedSignal(call.signal ?? undefined);
  /** The hook that threw, ending the run; its step's running tools are aborted. */
  let hookFailure: LLMError | undefined;
  const hookFailed = (hook: string, error: unknown): LLMError =>
    new LLMError({
      kind: "hook_error",
      message: `${hook} threw: ${redactSecrets(errorText(error), llm.config.secrets)}`,
      cause: error,
    });
  /** Calls `on_step`; a throw ends the run as a failed result (never a rejected one). */
  const stepDone = (record: ToolStep): LLMError | undefined => {
    try {
      on_step?.(record);
      return undefined;
    } catch (error) {
      return hookFailed("on_step", error);
    }
  };
  const history: ChatMessage[] = [...messages];
  const steps: ToolStep[] = [];
  const usage = {
    send_tokens: 0,
    recv_tokens: 0,
    total_tokens: 0,
    cost: 0 as number | undefined,
    model_calls: 0,
  };
  const finish = (status: LLMResponseStatus, content: string, error?: LLMError): RunToolsResult => ({
    status,
    content,
    steps,
    messages: history,
    usage,
    ...(error === undefined ? {} : { error }),
  });

  for (let step = 0; step < max_steps; step += 1) {
    if (step > 0 && typeof tools === "function") await load();
    const remaining = deadlineAt === undefined ? undefined : (deadlineAt - performance.now()) / 1000;
    if (remaining !== undefined && remaining <= 0)
      return finish(
        LLMResponseStatus.ERROR,
        "",
        new LLMError({ kind: "timeout", message: "total_timeout exceeded during the tool loop" }),
      );
    const callOptions = {
      ...call,
      tools: wireTools,
      ...(remaining === undefined ? {} : { total_timeout: remaining }),
    };
    const response = await (streaming
      ? streaming.call(history, callOptions)
      : llm.chat_completions(history, callOptions));
    usage.model_calls += 1;
    usage.send_tokens += response.send_tokens;
    usage.recv_tokens += response.recv_tokens;
    usage.total_tokens += response.total_tokens;
    usage.cost =
      usage.cost === undefined || response.cost === undefined ? undefined : usage.cost + response.cost;
    const record: ToolStep = { response, tool_calls: [] };
    steps.push(record);
    if (response.status === LLMResponseStatus.ERROR) {
      const failure = stepDone(record);
      return finish(LLMResponseStatus.ERROR, response.content, failure ?? response.error);
    }
    if (response.tool_calls.length === 0) {
      history.push(response.assistant_message);
      const failure = stepDone(record);
      if (failure) return finish(LLMResponseStatus.ERROR, response.content, failure);
      return finish(LLMResponseStatus.SUCCESS, response.content);
    }
    history.push(response.assistant_message);
    const snapshot = [...history];
    // Aborted when a hook throws: every tool of the step still running is stopped first.
    const stepAbort = new AbortController();
    record.tool_calls = await bounded(
      response.tool_calls.map((toolCall) => () => runOne(toolCall)),
      tool_concurrency,
    );
    for (const done of record.tool_calls)
      history.push({
        role: "tool",
        tool_call_id: done.tool_call.id,
        content: done.content ?? done.result,
        ...(done.error === undefined ? {} : { is_error: true }),
      });
    if (hookFailure) return finish(LLMResponseStatus.ERROR, "", hookFailure);
    const failure = stepDone(record);
    if (failure) return finish(LLMResponseStatus.ERROR, "", failure);
    if (runSignal?.aborted) return finish(LLMResponseStatus.ERROR, "", abortedByCaller(runSignal));
    if (deadlineAt !== undefined && performance.now() >= deadlineAt)
      return finish(
        LLMResponseStatus.ERROR,
        "",
        new LLMError({ kind: "timeout", message: "total_timeout exceeded while tools ran" }),
      );

    async function runOne(toolCall: ToolCall): Promise<ToolCallRecord> {
      streaming?.emit({ type: "tool-start", tool_call: toolCall });
      const record = await traced(
        `execute_tool ${toolCall.tool.name}`,
        {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": toolCall.tool.name,
          "gen_ai.tool.call.id": toolCall.id,
          "gen_ai.tool.type": compiled.get(toolCall.tool.name)?.tool.mcp ? "extension" : "function",
          ...mcpAttributes(compiled.get(toolCall.tool.name)?.tool.mcp),
          // Arguments and results only when content capture is opted into.
          ...(captureContent()
            ? { "gen_ai.tool.call.arguments": JSON.stringify(toolCall.tool.arguments) }
            : {}),
        },
        () => runCall(toolCall),
        (done) => (done.error === undefined ? undefined : "tool_error"),
        llm.config.telemetry,
        (done) => (captureContent() ? { "gen_ai.tool.call.result": done.result } : {}),
      );
      streaming?.emit({ type: "tool-result", record });
      return record;
    }

    async function runCall(toolCall: ToolCall): Promise<ToolCallRecord> {
      const started = performance.now();
      const failed = (error: string): ToolCallRecord => ({
        tool_call: toolCall,
        result: `Error: ${error}`,
        error,
        duration_ms: performance.now() - started,
      });
      const entry = compiled.get(toolCall.tool.name);
      if (entry === undefined)
        return failed(
          `unknown tool ${JSON.stringify(toolCall.tool.name)}; the tools are: ${current.map((tool) => tool.name).join(", ")}`,
        );
      if (toolCall.invalid) return failed(`${toolCall.parse_error}; nothing was run`);
      const checked = await entry.schema.validate(toolCall.tool.arguments);
      if (!checked.ok) return failed(`invalid arguments, nothing was run: ${checked.problems.join("; ")}`);
      if (hookFailure) return failed("the run ended: a hook threw; nothing was run");
      if (approve !== undefined) {
        let verdict: boolean | string;
        try {
          verdict = await approve(toolCall);
        } catch (error) {
          hookFailure ??= hookFailed("approve", error);
          stepAbort.abort(hookFailure);
          return failed(`approve threw; nothing was run`);
        }
        if (verdict !== true)
          return failed(
            `the call was refused${typeof verdict === "string" && verdict !== "" ? `: ${verdict}` : ""}`,
          );
      }
      // Aborted before it started (e.g. while `approve` ran): the tool is not run at all.
      if (runSignal?.aborted) return failed("the run was aborted; nothing was run");
      if (hookFailure) return failed("the run ended: a hook threw; nothing was run");
      const controller = new AbortController();
      const seconds = entry.tool.timeout ?? tool_timeout;
      const limitMs = Math.min(
        seconds * 1000,
        deadlineAt === undefined ? Number.POSITIVE_INFINITY : deadlineAt - performance.now(),
      );
      const byDeadline = limitMs < seconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => controller.abort(runSignal?.reason);
      const onStepAbort = () => controller.abort(stepAbort.signal.reason);
      runSignal?.addEventListener("abort", onAbort, { once: true });
      stepAbort.signal.addEventListener("abort", onStepAbort, { once: true });
      try {
        const stopped = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => {
              reject(
                new Error(
                  byDeadline
                    ? `stopped by the run's total_timeout (${call.total_timeout} s)`
                    : `timed out after ${seconds} s`,
                ),
              );
              controller.abort(new Error("timeout"));
            },
            timerDelay(Math.max(0, limitMs)),
          );
          controller.signal.addEventListener(
            "abort",
            () =>
              reject(
                new Error(
                  runSignal?.aborted
                    ? "the run was aborted"
                    : stepAbort.signal.aborted
                      ? "the run ended: a hook threw"
                      : "timed out",
                ),
              ),
            { once: true },
          );
        });
        const value = await Promise.race([
          Promise.resolve().then(() =>
            entry.tool.execute(checked.value, {
              signal: controller.signal,
              tool_call_id: toolCall.id,
              messages: snapshot,
            }),
          ),
          stopped,
        ]);
        if (isToolResultParts(value))
          return {
            tool_call: toolCall,
            arguments: checked.value,
            result: partsAsText(value.parts),
            content: value.parts,
            duration_ms: performance.now() - started,
          };
        return {
          tool_call: toolCall,
          arguments: checked.value,
          result: resultText(value),
          duration_ms: performance.now() - started,
        };
      } catch (error) {
        // The message only: never a stack, and never a configured secret.
        return { ...failed(redactSecrets(errorText(error), llm.config.secrets)), arguments: checked.value };
      } finally {
        clearTimeout(timer);
        runSignal?.removeEventListener("abort", onAbort);
        stepAbort.signal.removeEventListener("abort", onStepAbort);
      }
    }
  }
  return finish(
    LLMResponseStatus.ERROR,
    "",
    new LLMError({
      kind: "max_steps",
      message: `the model was still calling tools after max_steps (${max_steps}) model calls`,
    }),
  );
}

/** The attributes of an MCP tool's span: its server, and its own name there. */
function mcpAttributes(mcp: { server: string; name: string } | undefined): Record<string, string> {
  return mcp === undefined
    ? {}
    : { "director_llm.mcp.server": mcp.server, "director_llm.mcp.tool": mcp.name };
}

/**
 * What a thrown value says: an `Error`'s message; a string as is; anything else (a plain object
 * such as `{ code, detail }`) as its JSON, never `[object Object]`.
 */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    const json = JSON.stringify(error);
    if (json !== undefined) return json;
  } catch {}
  return String(error);
}

/** Declares a tool with its argument type inferred from a Standard Schema (`parameters: z.object(...)`). */
export function defineTool<Args>(tool: RunnableTool<Args>): RunnableTool<Args> {
  return tool;
}
