import type { CallSignal } from "../core/call-abort.js";
import { timerDelay } from "./timer-limits.js";

/** Waits `delayMs`, or rejects with `onAbort()` as soon as `signal` fires. Leaves no timer or listener. */
export function abortableDelay(options: {
  delayMs: number;
  signal?: CallSignal | undefined;
  onAbort: () => Error;
}): Promise<void> {
  const { delayMs, signal, onAbort } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, timerDelay(delayMs));
    signal?.addEventListener("abort", abort, { once: true });
  });
}
