/** Longest single timer: Node fires anything past 2^31-1 ms after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Waits `delayMs`, or rejects with `onAbort()` as soon as `signal` fires. Leaves no timer or listener. */
export function abortableDelay(options: {
  delayMs: number;
  signal?: AbortSignal | undefined;
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
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, delayMs)),
    );
    signal?.addEventListener("abort", abort, { once: true });
  });
}
