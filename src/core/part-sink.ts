const ignore = () => {};

/**
 * The callback of a `for_each` reader (`ChatStream`, `ToolRunStream`): called with each part,
 * synchronously. What it throws, or what a promise it returned rejects with, ends the reading:
 * `onFail` is told once (the reader aborts), no further part is given, and {@link finish}
 * rejects with it. A promise the callback returns is not awaited before the next part is given,
 * but {@link finish} waits for all of them, so none of their failures is lost.
 */
export class PartSink<T> {
  readonly #onPart: (part: T) => unknown;
  readonly #onFail: (error: unknown) => void;
  #failure: { error: unknown } | undefined;
  /** The callback's returned promises, each already handled (they never reject). */
  readonly #returned: Promise<void>[] = [];

  constructor(onPart: (part: T) => unknown, onFail: (error: unknown) => void) {
    this.#onPart = onPart;
    this.#onFail = onFail;
  }

  give(part: T): void {
    if (this.#failure !== undefined) return;
    let returned: unknown;
    try {
      returned = this.#onPart(part);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function")
      this.#returned.push(Promise.resolve(returned).then(ignore, (error: unknown) => this.#fail(error)));
  }

  /**
   * `value` once every returned promise settled (at once when there were none); throws, or
   * rejects, with the callback's failure, if any. Meant to be returned from a `then` callback.
   */
  finish<V>(value: V): V | Promise<V> {
    const settle = (): V => {
      if (this.#failure !== undefined) throw this.#failure.error;
      return value;
    };
    return this.#returned.length === 0 ? settle() : Promise.all(this.#returned).then(settle);
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    this.#onFail(error);
  }
}
