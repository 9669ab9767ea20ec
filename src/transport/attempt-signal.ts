/** Why an attempt's signal fired: our own time limit, or the caller's signal. */
export type AttemptAbortReason = "timeout" | "aborted";

/**
 * One attempt's AbortSignal: fires when the caller's signal does or when the time limit passes.
 * Hand-rolled instead of `AbortSignal.any`/`AbortSignal.timeout` so that `dispose()` removes the
 * listener from a long-lived caller signal and clears the timer at once: nothing is left behind.
 */
export class AttemptSignal {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reason: AttemptAbortReason | undefined;
  readonly #onCallerAbort = () => this.#abort("aborted");

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number) {
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.#abort("aborted");
      return;
    }
    callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.restartTimer(timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the signal fired, or `undefined` while it has not. */
  get reason(): AttemptAbortReason | undefined {
    return this.#reason;
  }

  /** Starts the time limit again (an idle timeout restarts on every chunk). */
  restartTimer(timeoutMs: number): void {
    if (this.#reason !== undefined) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#abort("timeout"), Math.max(0, timeoutMs));
  }

  /** Clears the timer and the listener on the caller's signal. Safe to call more than once. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }

  #abort(reason: AttemptAbortReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.dispose();
    this.#controller.abort(new Error(reason === "timeout" ? "attempt timed out" : "aborted by caller"));
  }
}
