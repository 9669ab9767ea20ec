import type { BaseLLMConfig } from "../core/base-llm-config.js";
import { LLMError } from "../core/llm-error.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { RateBudget } from "../transport/rate-budget.js";
import { retryWithBackoff } from "../transport/retry-with-backoff.js";
import { type CallLimits, countingStop } from "./call-limits.js";
import type { PreparedRequest, SendContext } from "./prepared-request.js";

/**
 * The attempts of one call: the pre-send checks, then per attempt its turn in the rate budget
 * (prompt tokens counted only when the budget needs them), the send, and the reservation settled
 * with what the server reported; retries by the backoff policy. Telemetry hears of each retry and
 * each wait for budget.
 */
export async function runAttempts(options: {
  prepared: PreparedRequest;
  limits: CallLimits;
  run: (context: SendContext) => Promise<LLMResponse>;
  canRetry?: (() => boolean) | undefined;
  budget: RateBudget | undefined;
  config: BaseLLMConfig;
}): Promise<LLMResponse> {
  const { prepared, limits, run, canRetry, budget, config } = options;
  const { signal, attemptTimeoutMs, deadlineAt } = limits;
  const stop = countingStop(limits);
  await prepared.check?.(stop);
  const { value: response, attempts } = await retryWithBackoff({
    run: async (context) => {
      const promptTokens = budget?.countsTokens ? await prepared.prompt_tokens(stop) : 0;
      if (budget?.countsTokens) prepared.counted_prompt_tokens = promptTokens;
      const waitStarted = performance.now();
      const reservation = await budget?.acquire({
        promptTokens,
        maxWaitMs: config.retry.max_retry_after_ms,
        maxTokens: prepared.max_tokens,
        signal,
        deadlineAt,
      });
      const waitedMs = performance.now() - waitStarted;
      if (waitedMs >= 1 && budget !== undefined) prepared.trace?.rateLimitWait(waitedMs, budget.shared);
      try {
        const response = await run({
          ...context,
          signal,
          idleTimeoutMs: attemptTimeoutMs,
          deadlineAt,
          onHeaders: reservation?.observe,
        });
        reservation?.settle(response.send_tokens);
        return response;
      } catch (error) {
        if (error instanceof LLMError && error.kind === "rate_limit" && error.retry_after_ms !== undefined) {
          reservation?.limited(error.retry_after_ms);
        }
        reservation?.settle();
        throw error;
      }
    },
    maxRetries: config.max_retries,
    backoff: config.retry,
    attemptTimeoutMs,
    deadlineAt,
    signal,
    canRetry,
    onRetry: prepared.trace?.retry,
  });
  response.attempts = attempts;
  return response;
}
