import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { type LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage, ToolCall } from "../core/messages.js";
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
import { captureContent, type TelemetryTarget, traced } from "./telemetry.js";
import { checkRunToolsOptions } from "./check-run-tools-options.js";
import { compileToolSchema } from "./tool-schema.js";

export type {
  RunnableTool,
  RunToolsOptions,
  RunToolsResult,
  ToolCallRecord,
  ToolContext,
  ToolRunPart,
  ToolRunStream,
  ToolStep,
} from "./runnable-tool.js";

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
  checkRunToolsOptions({ tools, max_steps, tool_concurrency, tool_timeout });
  const compiled = new Map(
    tools.map(
      (tool, index) =>
        [
          tool.name,
          { tool, schema: compileToolSchema(tool.parameters, `tools[${index}].parameters`) },
        ] as const,
    ),
  );
  const wireTools = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: compiled.get(tool.name)!.schema.wire,
  }));
  const deadlineAt =
    typeof call.total_timeout === "number" && Number.isFinite(call.total_timeout)
      ? Date.now() + call.total_timeout * 1000
      : undefined;
  const runSignal = call.signal ?? undefined;
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
    const remaining = deadlineAt === undefined ? undefined : (deadlineAt - Date.now()) / 1000;
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
      on_step?.(record);
      return finish(LLMResponseStatus.ERROR, response.content, response.error);
    }
    if (response.tool_calls.length === 0) {
      history.push(response.assistant_message);
      on_step?.(record);
      return finish(LLMResponseStatus.SUCCESS, response.content);
    }
    history.push(response.assistant_message);
    const snapshot = [...history];
    record.tool_calls = await bounded(
      response.tool_calls.map((toolCall) => () => runOne(toolCall)),
      tool_concurrency,
    );
    for (const done of record.tool_calls)
      history.push({
        role: "tool",
        tool_call_id: done.tool_call.id,
        content: done.result,
        ...(done.error === undefined ? {} : { is_error: true }),
      });
    on_step?.(record);
    if (runSignal?.aborted) return finish(LLMResponseStatus.ERROR, "", abortedByCaller(runSignal));
    if (deadlineAt !== undefined && Date.now() >= deadlineAt)
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
          "gen_ai.tool.type": "function",
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
          `unknown tool ${JSON.stringify(toolCall.tool.name)}; the tools are: ${tools.map((tool) => tool.name).join(", ")}`,
        );
      if (toolCall.invalid) return failed(`${toolCall.parse_error}; nothing was run`);
      const checked = await entry.schema.validate(toolCall.tool.arguments);
      if (!checked.ok) return failed(`invalid arguments, nothing was run: ${checked.problems.join("; ")}`);
      if (approve !== undefined) {
        const verdict = await approve(toolCall);
        if (verdict !== true)
          return failed(
            `the call was refused${typeof verdict === "string" && verdict !== "" ? `: ${verdict}` : ""}`,
          );
      }
      // Aborted before it started (e.g. while `approve` ran): the tool is not run at all.
      if (runSignal?.aborted) return failed("the run was aborted; nothing was run");
      const controller = new AbortController();
      const seconds = entry.tool.timeout ?? tool_timeout;
      const limitMs = Math.min(
        seconds * 1000,
        deadlineAt === undefined ? Number.POSITIVE_INFINITY : deadlineAt - Date.now(),
      );
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => controller.abort(runSignal?.reason);
      runSignal?.addEventListener("abort", onAbort, { once: true });
      try {
        const stopped = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => {
              reject(new Error(`timed out after ${seconds} s`));
              controller.abort(new Error("timeout"));
            },
            timerDelay(Math.max(0, limitMs)),
          );
          controller.signal.addEventListener(
            "abort",
            () => reject(new Error(runSignal?.aborted ? "the run was aborted" : "timed out")),
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
        return {
          tool_call: toolCall,
          arguments: checked.value,
          result: resultText(value),
          duration_ms: performance.now() - started,
        };
      } catch (error) {
        // The message only: never a stack, and never a configured secret.
        const message = error instanceof Error ? error.message : String(error);
        return { ...failed(redactSecrets(message, llm.config.secrets)), arguments: checked.value };
      } finally {
        clearTimeout(timer);
        runSignal?.removeEventListener("abort", onAbort);
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

/** Declares a tool with its argument type inferred from a Standard Schema (`parameters: z.object(...)`). */
export function defineTool<Args>(tool: RunnableTool<Args>): RunnableTool<Args> {
  return tool;
}
