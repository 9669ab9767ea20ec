/**
 * What the library reads of a call's abort signal. A caller's `AbortSignal` is one; so is a
 * {@link CallAbort}. Listeners are plain functions, told once.
 */
export interface CallSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * A call's own abort, used where the library must be able to cancel a call itself (a stream's
 * `abort()` or `break`): a {@link CallSignal} that also follows the caller's `AbortSignal`.
 * Cheaper than an `AbortController`, whose `EventTarget` listeners cost a few microseconds each
 * to add and remove, on every attempt of every stream. `dispose()` unhooks it from the caller's
 * signal.
 */
export class CallAbort implements CallSignal {
  #aborted = false;
  #reason: unknown;
  #listeners: Array<() => void> = [];
  readonly #caller: CallSignal | undefined;
  readonly #onCallerAbort = () => this.abort(this.#caller?.reason);

  constructor(caller?: CallSignal) {
    this.#caller = caller;
    if (caller === undefined) return;
    if (caller.aborted) this.abort(caller.reason);
    else caller.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it was aborted: the caller's reason, or an `AbortError` DOMException like `AbortController`'s. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once: every listener is told, in the order added, and then forgotten. */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new DOMException("This operation was aborted", "AbortError");
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  /** Listeners are always told once (as with `{ once: true }`); one added after the abort is never told. */
  addEventListener(_type: "abort", listener: () => void): void {
    if (!this.#aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const index = this.#listeners.lastIndexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }

  /** Stops following the caller's signal (the call is over). */
  dispose(): void {
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }
}
