import type { BaseLLMConfig } from "../core/base-llm-config.js";
import { LLMError } from "../core/llm-error.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { RateBudget, Reservation } from "../transport/rate-budget.js";
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
  const checking = prepared.check?.(stop);
  if (checking !== undefined) await checking;
  const { value: response, attempts } = await retryWithBackoff({
    run: async (context) => {
      let promptTokens = 0;
      if (budget?.countsTokens) {
        promptTokens = await prepared.prompt_tokens(stop);
        prepared.counted_prompt_tokens = promptTokens;
      }
      let reservation: Reservation | undefined;
      if (budget !== undefined) {
        const ask = {
          promptTokens,
          maxWaitMs: config.retry.max_retry_after_ms,
          maxTokens: prepared.max_tokens,
          signal,
          deadlineAt,
        };
        // Granted at once (the usual case) costs no promise and no clock reads.
        reservation = budget.grantNow?.(ask);
        if (reservation === undefined) {
          const waitStarted = performance.now();
          reservation = await budget.acquire(ask);
          const waitedMs = performance.now() - waitStarted;
          if (waitedMs >= 1) prepared.trace?.rateLimitWait(waitedMs, budget.shared);
        }
      }
      const send: SendContext = {
        attempt: context.attempt,
        timeoutMs: context.timeoutMs,
        timeoutLabel: context.timeoutLabel,
        onSent: context.onSent,
        signal,
        idleTimeoutMs: attemptTimeoutMs,
        deadlineAt,
        onHeaders: reservation === undefined ? undefined : (headers) => reservation.observe(headers),
      };
      try {
        const response = await run(send);
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
