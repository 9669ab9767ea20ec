import type { LLMResponse } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";

const END: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A streamed call: an `AsyncIterable` of {@link StreamPart}s (iterate it once) and `response`,
 * the same normalized {@link LLMResponse} `chat_completions` would give, which always resolves.
 * Leaving the loop early (`break`) or calling `abort()` cancels the request; `response` then
 * resolves with `error.kind === "aborted"` and what had arrived.
 */
export class ChatStream implements AsyncIterable<StreamPart> {
  readonly response: Promise<LLMResponse>;
  /** Parts not yet read: `#parts[#head]` onwards (a moving head, not `shift()`). */
  #parts: StreamPart[] = [];
  #head = 0;
  readonly #controller: AbortController;
  #closed = false;
  #iterated = false;
  /** Set once a `finish` or `error` part was read, or the reader left: nothing more is given. */
  #finished = false;
  /** The reader waiting for the next part, handed it directly by `push`. */
  #waiting: ((result: IteratorResult<StreamPart>) => void) | undefined;
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
    this.#delivered += 1;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting(this.#take(part));
      return;
    }
    this.#parts.push(part);
  }

  /** @internal */
  close(): void {
    this.#closed = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(this.#end());
  }

  /**
   * A hand-written iterator rather than an async generator: one promise per part, a waiting
   * reader is handed the next part directly, and no generator machinery on the streaming hot path.
   */
  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    if (this.#iterated) throw new TypeError("a ChatStream can be iterated only once");
    this.#iterated = true;
    return {
      next: () => this.#next(),
      return: () => {
        if (!this.#finished) this.abort();
        return Promise.resolve(this.#end());
      },
    };
  }

  #next(): Promise<IteratorResult<StreamPart>> {
    if (this.#finished) return Promise.resolve(END);
    const parts = this.#parts;
    if (this.#head < parts.length) {
      const part = parts[this.#head++]!;
      if (this.#head === parts.length) {
        this.#parts = [];
        this.#head = 0;
      }
      return Promise.resolve(this.#take(part));
    }
    if (this.#closed) return Promise.resolve(this.#end());
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  #take(part: StreamPart): IteratorResult<StreamPart> {
    if (part.type === "finish" || part.type === "error") this.#finished = true;
    return { value: part, done: false };
  }

  #end(): IteratorReturnResult<undefined> {
    this.#finished = true;
    this.#parts = [];
    this.#head = 0;
    return END;
  }
}
