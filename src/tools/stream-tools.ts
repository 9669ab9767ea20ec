import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { PartSink } from "../core/part-sink.js";
import { runTools } from "./run-tools.js";
import type { RunToolsOptions, RunToolsResult, ToolRunPart, ToolRunStream } from "./runnable-tool.js";

/**
 * The streaming form of `runTools`: every model call streams, its parts are passed on, and
 * each tool call adds a `tool-start` and a `tool-result` part; `result` resolves as `run_tools` does.
 */
export function streamTools(
  llm: Parameters<typeof runTools>[0] & {
    stream_chat_completions(
      messages: readonly ChatMessage[],
      options: ChatCompletionOptionsInput,
    ): { for_each(onPart: (part: StreamPart) => void): Promise<LLMResponse> };
  },
  messages: readonly ChatMessage[],
  options: RunToolsOptions,
): ToolRunStream {
  // The run's own abort, for a `for_each` callback that throws; it follows the caller's signal
  // through one listener, removed when the run ends (not `AbortSignal.any`, whose composites a
  // long-lived caller signal keeps). A `signal` that is not an AbortSignal is passed on as it is,
  // for runTools to refuse.
  const own = new AbortController();
  const given: unknown = options.signal;
  const caller = given instanceof AbortSignal ? given : undefined;
  const follow = () => own.abort(caller?.reason);
  if (caller?.aborted) follow();
  else caller?.addEventListener("abort", follow, { once: true });
  const signal = caller === undefined && given != null ? options.signal : own.signal;
  return new ToolRunParts(
    (emit) =>
      runTools(
        llm,
        messages,
        { ...options, signal },
        {
          emit,
          // Each step's parts are passed on as they arrive: no promise per part.
          call: (history, callOptions) => llm.stream_chat_completions(history, callOptions).for_each(emit),
        },
      ).finally(() => caller?.removeEventListener("abort", follow)),
    (reason) => own.abort(reason),
  );
}

/** The parts of a tool run as they happen, read once: with `for await` or with `for_each`. */
class ToolRunParts implements ToolRunStream {
  readonly result: Promise<RunToolsResult>;
  readonly #queue: ToolRunPart[] = [];
  readonly #stop: (reason: unknown) => void;
  #wake: (() => void) | undefined;
  #done = false;
  #read = false;
  /** The `for_each` callback, called with each part as it is emitted. */
  #sink: PartSink<ToolRunPart> | undefined;

  constructor(
    start: (emit: (part: ToolRunPart) => void) => Promise<RunToolsResult>,
    stop: (reason: unknown) => void,
  ) {
    this.#stop = stop;
    this.result = start((part) => this.#emit(part)).finally(() => {
      this.#done = true;
      this.#wakeUp();
    });
    // A run refused for its arguments rejects `result`; both readers rethrow that (the iteration
    // when it ends, `for_each` itself), so the rejection is not also reported as unhandled.
    this.result.catch(() => {});
  }

  /**
   * Reads the run by calling `onPart` with each part as it happens (parts already emitted first),
   * then resolves with `result`. If `onPart` throws, the run is aborted (as with its `signal`: a
   * running tool's `signal` fires, no further model call is made), no further part is given, and
   * the returned promise rejects with what it threw. `onPart` is called synchronously: a promise it
   * returns is not awaited before the next part, but this resolves only once all of them settled,
   * and one that rejects counts as a throw.
   */
  for_each(onPart: (part: ToolRunPart) => unknown): Promise<RunToolsResult> {
    if (typeof onPart !== "function") throw new InvalidArgumentError("onPart", "must be a function");
    this.#startReading();
    const sink = new PartSink(onPart, this.#stop);
    this.#sink = sink;
    for (const part of this.#queue.splice(0)) sink.give(part);
    return this.result.then((result) => sink.finish(result));
  }

  [Symbol.asyncIterator](): AsyncIterator<ToolRunPart> {
    this.#startReading();
    return this.#parts();
  }

  async *#parts(): AsyncGenerator<ToolRunPart, void, undefined> {
    for (;;) {
      while (this.#queue.length > 0) yield this.#queue.shift()!;
      if (this.#done) {
        await this.result;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #emit(part: ToolRunPart): void {
    if (this.#sink !== undefined) {
      this.#sink.give(part);
      return;
    }
    this.#queue.push(part);
    this.#wakeUp();
  }

  #startReading(): void {
    if (this.#read) throw new TypeError("a ToolRunStream can be read only once");
    this.#read = true;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
