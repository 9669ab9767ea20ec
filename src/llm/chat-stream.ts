import type { CallAbort } from "../core/call-abort.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";
import { PartSink } from "../core/part-sink.js";

const END: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A streamed call: an `AsyncIterable` of {@link StreamPart}s and `response`, the same normalized
 * {@link LLMResponse} `chat_completions` would give, which resolves for every failed request. Read
 * the parts once, with `for await` or with {@link ChatStream.for_each}. Leaving the loop early
 * (`break`) or calling `abort()` cancels the request; `response` then resolves with
 * `error.kind === "aborted"` and what had arrived. An error that is not a failed request (a bug,
 * or a caller's schema that threw) rejects `response`, and both readers throw it.
 */
export class ChatStream implements AsyncIterable<StreamPart> {
  readonly response: Promise<LLMResponse>;
  /** Parts not yet read: `#parts[#head]` onwards (a moving head, not `shift()`). */
  #parts: StreamPart[] = [];
  #head = 0;
  readonly #abort: CallAbort;
  #closed = false;
  #iterated = false;
  /** Set once a `finish` or `error` part was read, or the reader left: nothing more is given. */
  #finished = false;
  /** The reader waiting for the next part, handed it directly by `push` (or the crash, by `close`). */
  #waiting: ((result: IteratorResult<StreamPart> | Promise<never>) => void) | undefined;
  /** What the stream failed with that is not an `LLMError` (a bug, or a caller's schema that threw). */
  #crash: { error: unknown } | undefined;
  #delivered = 0;
  /** The `for_each` callback, called with each part as it is pushed. */
  #sink: PartSink<StreamPart> | undefined;

  /** @internal Built by `BaseLLM.stream_chat_completions`. */
  constructor(abort: CallAbort, produce: (stream: ChatStream) => Promise<LLMResponse>) {
    this.#abort = abort;
    this.response = produce(this)
      .then(undefined, (error: unknown) => {
        this.#crash = { error };
        throw error;
      })
      .finally(() => this.close());
    // Both readers rethrow a crash (the iteration when it gets there, `for_each` itself), so the
    // rejection is not also reported as unhandled.
    this.response.catch(() => {});
  }

  /** Cancels the request at any stage. */
  abort(): void {
    this.#abort.abort();
  }

  /** @internal Parts pushed so far (no retry once this is above zero). */
  get delivered(): number {
    return this.#delivered;
  }

  /** @internal */
  push(part: StreamPart): void {
    if (this.#closed) return;
    this.#delivered += 1;
    if (this.#sink !== undefined) {
      this.#give(part);
      return;
    }
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
    waiting?.(this.#crash === undefined ? this.#end() : this.#crashed());
  }

  /**
   * Reads the stream by calling `onPart` with each part as it arrives (parts already received
   * first), then resolves with `response`. The cheapest way to read a stream: no promise per part,
   * where `for await` costs one. If `onPart` throws, the request is aborted, no further part is
   * given, and the returned promise rejects with what it threw. `onPart` is called synchronously: a
   * promise it returns is not awaited before the next part, but this resolves only once all of
   * them settled, and one that rejects counts as a throw. A stream is read once, by this or by
   * `for await`; a second reader gets a `TypeError`.
   */
  for_each(onPart: (part: StreamPart) => unknown): Promise<LLMResponse> {
    if (typeof onPart !== "function") throw new InvalidArgumentError("onPart", "must be a function");
    this.#startReading();
    const sink = new PartSink(onPart, () => {
      this.#finished = true;
      this.abort();
    });
    this.#sink = sink;
    const parts = this.#parts;
    for (let index = this.#head; index < parts.length; index += 1) this.#give(parts[index]!);
    this.#parts = [];
    this.#head = 0;
    return this.response.then((response) => sink.finish(response));
  }

  #give(part: StreamPart): void {
    if (this.#finished) return;
    this.#noteLast(part);
    this.#sink!.give(part);
  }

  #startReading(): void {
    if (this.#iterated) throw new TypeError("a ChatStream can be read only once");
    this.#iterated = true;
  }

  /**
   * A hand-written iterator rather than an async generator: one promise per part, a waiting
   * reader is handed the next part directly, and no generator machinery on the streaming hot path.
   */
  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    this.#startReading();
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
    if (this.#closed) return this.#crash === undefined ? Promise.resolve(this.#end()) : this.#crashed();
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  #take(part: StreamPart): IteratorResult<StreamPart> {
    this.#noteLast(part);
    return { value: part, done: false };
  }

  /** A `finish` or `error` part is the last one a reader is given. */
  #noteLast(part: StreamPart): void {
    if (part.type === "finish" || part.type === "error") this.#finished = true;
  }

  /** Ends the iteration by throwing the crash (once; a later `next()` is done). */
  #crashed(): Promise<never> {
    this.#end();
    return Promise.reject(this.#crash!.error);
  }

  #end(): IteratorReturnResult<undefined> {
    this.#finished = true;
    this.#parts = [];
    this.#head = 0;
    return END;
  }
}
