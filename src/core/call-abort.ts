/**
 * What the library reads of a call's abort signal. A caller's `AbortSignal` is one; so is a
 * `CallAbort`. Listeners are plain functions, told once.
 */
export interface CallSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Tells `listener` when the signal aborts. */
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  /** Stops telling `listener`. */
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

/** One fan-out per caller signal: the signal gets a single listener however many calls share it. */
const fanOuts = new WeakMap<AbortSignal, CallSignal>();

/**
 * The caller's `AbortSignal` as a {@link CallSignal} that holds one listener on it, shared by every
 * call that uses it, added with the first listener and removed with the last. A signal shared by
 * many concurrent calls (one per request of a batch) otherwise collects a listener per call and
 * attempt, and Node warns past ten (`MaxListenersExceededWarning`). Not an `AbortSignal`: as is.
 */
export function sharedSignal<S extends CallSignal | undefined>(signal: S): S | CallSignal {
  if (!(signal instanceof AbortSignal)) return signal;
  let fanOut = fanOuts.get(signal);
  if (fanOut === undefined) {
    fanOut = signalFanOut(signal);
    fanOuts.set(signal, fanOut);
  }
  return fanOut;
}

function signalFanOut(signal: AbortSignal): CallSignal {
  let listeners: Array<() => void> = [];
  const onAbort = () => {
    const told = listeners;
    listeners = [];
    for (const listener of told) listener();
  };
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason;
    },
    addEventListener(_type, listener) {
      if (signal.aborted) return;
      if (listeners.length === 0) signal.addEventListener("abort", onAbort, { once: true });
      listeners.push(listener);
    },
    removeEventListener(_type, listener) {
      const index = listeners.lastIndexOf(listener);
      if (index < 0) return;
      listeners.splice(index, 1);
      if (listeners.length === 0) signal.removeEventListener("abort", onAbort);
    },
  };
}
