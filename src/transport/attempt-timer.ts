import type { CallSignal } from "../core/call-abort.js";
import { timerDelay } from "./timer-limits.js";

/** Why an attempt ended early: our own time limit, or the caller's signal. */
export type AttemptAbortReason = "timeout" | "aborted";

/**
 * One attempt's time limit and its link to the caller's signal. When either fires, `onFire` is
 * told once. No AbortController is made per request (they cost more than the rest of the
 * bookkeeping together); `dispose()` clears the timer and removes the listener from a long-lived
 * caller signal, so nothing is left behind.
 */
export class AttemptTimer {
  readonly #callerSignal: CallSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reason: AttemptAbortReason | undefined;
  #onFire: ((reason: AttemptAbortReason) => void) | undefined;
  #idle: { idleMs: number; deadlineAt: number | undefined; lastProgressAt: number } | undefined;
  #deadlinePassed = false;
  /** When the plain (not idle) limit is due. */
  #dueAt = Number.POSITIVE_INFINITY;
  readonly #onCallerAbort = () => this.#fire("aborted");

  constructor(callerSignal: CallSignal | undefined, timeoutMs: number) {
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.#reason = "aborted";
      return;
    }
    callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.restartTimer(timeoutMs);
  }

  /** Why the attempt ended early, or `undefined` while it has not. */
  get reason(): AttemptAbortReason | undefined {
    return this.#reason;
  }

  /** Whether a timeout came from the call's deadline (`total_timeout`) rather than idleness. */
  get deadlinePassed(): boolean {
    return this.#deadlinePassed;
  }

  /** Who to tell when the timer or the caller's signal fires (told at once if it already has). */
  onFire(callback: (reason: AttemptAbortReason) => void): void {
    this.#onFire = callback;
    if (this.#reason !== undefined) callback(this.#reason);
  }

  /** Starts the time limit again (`Infinity`: none). Limits past a timer's range are re-armed. */
  restartTimer(timeoutMs: number): void {
    if (this.#reason !== undefined) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = performance.now() + timeoutMs;
    if (timeoutMs === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(() => this.#onTimer(), timerDelay(timeoutMs));
  }

  /**
   * Turns the limit into an idle timeout: it fires once `idleMs` pass with no `progress()`, or at
   * `deadlineAt`. Progress only stamps the time; the timer is re-armed when it comes due, so a
   * fast stream costs one timestamp per network read, not a timer per event.
   */
  watchIdle(options: { idleMs: number; deadlineAt: number | undefined }): void {
    if (this.#reason !== undefined) return;
    const now = performance.now();
    this.#idle = { idleMs: options.idleMs, deadlineAt: options.deadlineAt, lastProgressAt: now };
    const waitMs = this.#idleWaitMs(now);
    // The running timer (the wait for headers) is kept when it is due no later than the idle
    // limit: when it fires it re-arms for what is left. Saves a clear and a set per stream.
    if (this.#timer !== undefined && this.#dueAt <= now + waitMs) return;
    this.restartTimer(waitMs);
  }

  /** Records that the stream made progress (an event arrived). */
  progress(): void {
    if (this.#idle) this.#idle.lastProgressAt = performance.now();
  }

  #idleWaitMs(now: number): number {
    const idle = this.#idle!;
    const idleLeft = idle.lastProgressAt + idle.idleMs - now;
    return idle.deadlineAt === undefined ? idleLeft : Math.min(idleLeft, idle.deadlineAt - now);
  }

  #onTimer(): void {
    if (this.#idle) {
      const now = performance.now();
      const waitMs = this.#idleWaitMs(now);
      if (waitMs > 0) {
        if (waitMs !== Number.POSITIVE_INFINITY)
          this.#timer = setTimeout(() => this.#onTimer(), timerDelay(waitMs));
        return;
      }
      this.#deadlinePassed = this.#idle.deadlineAt !== undefined && now >= this.#idle.deadlineAt;
    } else if (performance.now() < this.#dueAt) {
      this.#timer = setTimeout(() => this.#onTimer(), timerDelay(this.#dueAt - performance.now()));
      return;
    }
    this.#fire("timeout");
  }

  /** Clears the timer and the listener on the caller's signal. Safe to call more than once. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }

  #fire(reason: AttemptAbortReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.dispose();
    this.#onFire?.(reason);
  }
}
