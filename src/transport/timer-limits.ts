/**
 * Longest delay one Node timer can hold: anything past 2^31-1 ms (about 24.8 days) fires after
 * 1 ms instead, with a `TimeoutOverflowWarning`. Every timer in director-llm is clamped to it
 * (and re-armed when a longer wait is not over yet); `Infinity` sets no timer at all.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer delay in the range Node honours. */
export function timerDelay(delayMs: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(delayMs)));
}
