import { type CallSignal, sharedSignal } from "../core/call-abort.js";
import { checkSeconds } from "../core/check-seconds.js";

export { checkSeconds };
import type { BaseLLMConfig } from "../core/base-llm-config.js";
import {
  CHAT_OPTION_KEYS,
  type ChatCompletionOptions,
  type ChatCompletionOptionsInput,
} from "../core/chat-options.js";
import { didYouMean } from "../core/closest-name.js";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** A call's signal and time limits, resolved once from its options and the config. */
export interface CallLimits {
  signal: CallSignal | undefined;
  /** Per-attempt limit, in ms (config `timeout` is in seconds). */
  attemptTimeoutMs: number;
  /** Monotonic time (`performance.now()`, ms) by which the whole call must end, if any. */
  deadlineAt: number | undefined;
}

/** The check long token counts run between pieces: throws once the call is aborted or out of time. */
export function countingStop(limits: CallLimits): () => void {
  return () => {
    if (limits.signal?.aborted) throw abortedByCaller(limits.signal);
    if (limits.deadlineAt !== undefined && performance.now() >= limits.deadlineAt) {
      throw new LLMError({
        kind: "timeout",
        message: "total_timeout exceeded while counting the prompt's tokens",
      });
    }
  };
}

/**
 * A call's options as the provider sees them: `null` and `undefined` values left out (both mean
 * "not set"), and an unknown key refused with {@link InvalidArgumentError} (it would otherwise be
 * silently dropped), pointing at `extra_body`.
 */
export function normalizeCallOptions(
  options: ChatCompletionOptionsInput | null | undefined,
): ChatCompletionOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options))
    throw new InvalidArgumentError("options", "must be an object");
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!CHAT_OPTION_KEYS.has(key))
      throw new InvalidArgumentError(
        `options.${key}`,
        `is not an option of chat_completions${didYouMean(key, CHAT_OPTION_KEYS)}; to send a parameter this library does not know, use extra_body: { ${key}: ... }`,
      );
    if (value !== undefined && value !== null) normalized[key] = value;
  }
  return normalized as ChatCompletionOptions;
}

/** Validates a call's options object, signal and time limits; throws {@link InvalidArgumentError}. */
export function resolveCallLimits(options: ChatCompletionOptions, config: BaseLLMConfig): CallLimits {
  if (typeof options !== "object" || options === null)
    throw new InvalidArgumentError("options", "must be an object");
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError("options.signal", "must be an AbortSignal");
  }
  const timeout = checkSeconds("options.timeout", options.timeout) ?? config.timeout;
  const totalTimeout = checkSeconds("options.total_timeout", options.total_timeout) ?? config.total_timeout;
  return {
    signal: sharedSignal(signal),
    attemptTimeoutMs: Math.round(timeout * 1000),
    deadlineAt:
      totalTimeout === undefined || totalTimeout === Number.POSITIVE_INFINITY
        ? undefined
        : performance.now() + Math.round(totalTimeout * 1000),
  };
}
