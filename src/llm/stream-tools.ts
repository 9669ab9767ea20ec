import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { runTools } from "./run-tools.js";
import type { RunToolsOptions, ToolRunPart, ToolRunStream } from "./runnable-tool.js";

/**
 * The streaming form of {@link runTools}: every model call streams, its parts are passed on, and
 * each tool call adds a `tool-start` and a `tool-result` part; `result` resolves as `run_tools` does.
 */
export function streamTools(
  llm: Parameters<typeof runTools>[0] & {
    stream_chat_completions(
      messages: readonly ChatMessage[],
      options: ChatCompletionOptionsInput,
    ): AsyncIterable<StreamPart> & { response: Promise<LLMResponse> };
  },
  messages: readonly ChatMessage[],
  options: RunToolsOptions,
): ToolRunStream {
  const queue: ToolRunPart[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const emit = (part: ToolRunPart) => {
    queue.push(part);
    wake?.();
  };
  const result = runTools(llm, messages, options, {
    emit,
    call: async (history, callOptions) => {
      const stream = llm.stream_chat_completions(history, callOptions);
      for await (const part of stream) emit(part);
      return stream.response;
    },
  }).finally(() => {
    done = true;
    wake?.();
  });
  return {
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (done) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}
