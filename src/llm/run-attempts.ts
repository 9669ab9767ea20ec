import type { BaseLLMConfig } from "../core/base-llm-config.js";
import { LLMError } from "../core/llm-error.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { AcquireOptions, RateBudget, Reservation } from "../budgets/rate-budget.js";
import { type AttemptContext, retryWithBackoff } from "../transport/retry-with-backoff.js";
import { type CallLimits, countingStop } from "./call-limits.js";
import type { PreparedRequest, SendContext } from "./prepared-request.js";

/**
 * The attempts of one call: the pre-send checks, then per attempt its turn in the rate budget
 * (prompt tokens counted only when the budget needs them), the send, and the reservation settled
 * with what the server reported; retries by the backoff policy. Telemetry hears of each retry and
 * each wait for budget.
 */
export function runAttempts(options: {
  prepared: PreparedRequest;
  limits: CallLimits;
  run: (context: SendContext) => Promise<LLMResponse>;
  canRetry?: (() => boolean) | undefined;
  budget: RateBudget | undefined;
  config: BaseLLMConfig;
}): Promise<LLMResponse> {
  const stop = countingStop(options.limits);
  const checking = options.prepared.check?.(stop);
  // Most requests settle the check without waiting, and are granted their budget at once: they
  // go out without an extra promise.
  return checking === undefined ? attempts(options, stop) : checking.then(() => attempts(options, stop));
}

function attempts(options: Parameters<typeof runAttempts>[0], stop: () => void): Promise<LLMResponse> {
  const { prepared, limits, run, canRetry, budget, config } = options;
  const { signal, attemptTimeoutMs, deadlineAt } = limits;
  const attempt = (context: AttemptContext): Promise<LLMResponse> => {
    if (budget === undefined) return send(run, context, limits, undefined);
    if (!budget.countsTokens) return reserved(context, 0);
    return Promise.resolve(prepared.prompt_tokens(stop)).then((promptTokens) => {
      prepared.counted_prompt_tokens = promptTokens;
      return reserved(context, promptTokens);
    });
  };
  /** Sends once the budget grants a turn: at once (the usual case: no promise, no clock reads) or after a wait. */
  const reserved = (context: AttemptContext, promptTokens: number): Promise<LLMResponse> => {
    const ask: AcquireOptions = {
      promptTokens,
      maxWaitMs: config.retry.max_retry_after_ms,
      maxTokens: prepared.max_tokens,
      signal,
      deadlineAt,
    };
    const granted = budget!.grantNow?.(ask);
    if (granted !== undefined) return send(run, context, limits, granted);
    return acquire(ask).then((reservation) => send(run, context, limits, reservation));
  };
  const acquire = async (ask: AcquireOptions): Promise<Reservation> => {
    const waitStarted = performance.now();
    const reservation = await budget!.acquire(ask);
    const waitedMs = performance.now() - waitStarted;
    if (waitedMs >= 1) prepared.trace?.rateLimitWait(waitedMs, budget!.shared);
    return reservation;
  };
  return retryWithBackoff({
    run: attempt,
    maxRetries: config.max_retries,
    backoff: config.retry,
    attemptTimeoutMs,
    deadlineAt,
    signal,
    canRetry,
    onRetry: prepared.trace?.retry,
  }).then(({ value: response, attempts }) => {
    response.attempts = attempts;
    return response;
  });
}

/** One attempt with its reservation: sends, then settles the reservation with what the server reported. */
function send(
  run: (context: SendContext) => Promise<LLMResponse>,
  context: AttemptContext,
  limits: CallLimits,
  reservation: Reservation | undefined,
): Promise<LLMResponse> {
  const sendContext: SendContext = {
    attempt: context.attempt,
    timeoutMs: context.timeoutMs,
    timeoutLabel: context.timeoutLabel,
    onSent: context.onSent,
    signal: limits.signal,
    idleTimeoutMs: limits.attemptTimeoutMs,
    deadlineAt: limits.deadlineAt,
    onHeaders: reservation === undefined ? undefined : (headers) => reservation.observe(headers),
  };
  let sent: Promise<LLMResponse>;
  try {
    sent = run(sendContext);
  } catch (error) {
    sent = Promise.reject(error);
  }
  if (reservation === undefined) return sent;
  return sent.then(
    (response) => {
      reservation.settle(response.send_tokens);
      return response;
    },
    (error: unknown) => {
      if (error instanceof LLMError && error.kind === "rate_limit" && error.retry_after_ms !== undefined) {
        reservation.limited(error.retry_after_ms);
      }
      reservation.settle();
      throw error;
    },
  );
}
