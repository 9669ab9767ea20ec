import type { LLMResponse } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";

/**
 * A streamed call: an `AsyncIterable` of {@link StreamPart}s (iterate it once) and `response`,
 * the same normalized {@link LLMResponse} `chat_completions` would give, which always resolves.
 * Leaving the loop early (`break`) or calling `abort()` cancels the request; `response` then
 * resolves with `error.kind === "aborted"` and what had arrived.
 */
export class ChatStream implements AsyncIterable<StreamPart> {
  readonly response: Promise<LLMResponse>;
  readonly #parts: StreamPart[] = [];
  readonly #controller: AbortController;
  #closed = false;
  #iterated = false;
  #wake: (() => void) | undefined;
  #delivered = 0;

  /** @internal Built by `BaseLLM.stream_chat_completions`. */
  constructor(controller: AbortController, produce: (stream: ChatStream) => Promise<LLMResponse>) {
    this.#controller = controller;
    this.response = produce(this).finally(() => this.close());
  }

  /** Cancels the request at any stage. */
  abort(): void {
    this.#controller.abort();
  }

  /** @internal Parts pushed so far (no retry once this is above zero). */
  get delivered(): number {
    return this.#delivered;
  }

  /** @internal */
  push(part: StreamPart): void {
    if (this.#closed) return;
    this.#parts.push(part);
    this.#delivered += 1;
    this.#wakeUp();
  }

  /** @internal */
  close(): void {
    this.#closed = true;
    this.#wakeUp();
  }

  /**
   * A hand-written iterator rather than an async generator: one promise per part and no
   * generator machinery on the streaming hot path.
   */
  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    if (this.#iterated) throw new TypeError("a ChatStream can be iterated only once");
    this.#iterated = true;
    let finished = false;
    const end = (): IteratorResult<StreamPart> => {
      finished = true;
      return { value: undefined, done: true };
    };
    const next = (): Promise<IteratorResult<StreamPart>> => {
      if (finished) return Promise.resolve(end());
      const part = this.#parts.shift();
      if (part !== undefined) {
        if (part.type === "finish" || part.type === "error") finished = true;
        return Promise.resolve({ value: part, done: false });
      }
      if (this.#closed) return Promise.resolve(end());
      return new Promise<void>((resolve) => {
        this.#wake = resolve;
      }).then(next);
    };
    return {
      next,
      return: () => {
        if (!finished) this.abort();
        return Promise.resolve(end());
      },
    };
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
