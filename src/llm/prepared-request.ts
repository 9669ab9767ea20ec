import type { CallSignal } from "../core/call-abort.js";
import type { LLMError } from "../core/llm-error.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { StreamPart } from "../core/stream-part.js";
import type { AttemptContext } from "../transport/retry-with-backoff.js";
import type { CallTrace } from "../telemetry/telemetry.js";

/*
 * What a provider hands {@link BaseLLM} and gets from it: its prepared request, one attempt's
 * context, and, for streams, the assembler that turns events into parts and a response.
 */

/** A provider's request, built and validated before anything is sent. */
export interface PreparedRequest {
  /** The model the request names. */
  model: string;
  /** The provider's wire payload. */
  payload: unknown;
  /** `response_format.type`, when one was asked for. */
  response_format_type?: string | undefined;
  /** The output budget the request sends (`max_tokens` or `max_completion_tokens`). */
  max_tokens: number;
  /**
   * The prompt's token count, counted at most once and only when pacing needs it. A long count
   * gives the event loop back and calls `stop` between slices (it throws when the call's signal
   * fired or its deadline passed).
   */
  prompt_tokens: (stop: () => void) => Promise<number> | number;
  /**
   * Pre-send checks that need the prompt's size (the context window), run once before the first
   * attempt; may lower the payload's output budget (`max_tokens` must then read the new value)
   * and add warnings.
   * Throws {@link LLMError} (e.g. `context_length_exceeded`, nothing sent). Returns `undefined`
   * when it settled without waiting (most requests).
   */
  check?: ((stop: () => void) => Promise<void> | undefined) | undefined;
  /** Headers of this call only (`extra_headers`), checked; their values are secrets too. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The call's telemetry span (set by `BaseLLM`; a no-op without an OpenTelemetry SDK). */
  trace?: CallTrace | undefined;
  /** The prompt's tokens once counted for the rate budget (set by the retry loop). */
  counted_prompt_tokens?: number | undefined;
  /** Warnings to put on the response (e.g. `max_tokens` lowered to fit the context window). */
  warnings: string[];
}

/** What one attempt is given: the retry loop's context, the caller's signal and the call's limits. */
export interface SendContext extends AttemptContext {
  signal: CallSignal | undefined;
  /** Idle limit of a stream, in ms (the attempt timeout; `deadlineAt` still applies). */
  idleTimeoutMs: number;
  /** Monotonic time (`performance.now()`, ms) by which the whole call must end, if any. */
  deadlineAt: number | undefined;
  /** Hand every response's headers here (rate-limit pacing learns from them). */
  onHeaders: ((headers: Readonly<Record<string, string | string[] | undefined>>) => void) | undefined;
}

/** Turns one attempt's stream events into parts and, at the end, the response. */
export interface StreamAssembler {
  /** Takes one event and gives `emit` the parts it completes, in order (no list per event). */
  push(event: unknown, emit: (part: StreamPart) => void): void;
  /** The response of a stream that ended; throws an `LLMError` when it ended incomplete. */
  finish(): LLMResponse;
  /** The response of a stream that failed with `error`: what had arrived, with the error. */
  partial(error: LLMError): LLMResponse;
  /**
   * `true` once the events pushed hold the whole answer (its finish reason and its usage), so the
   * stream ends there even if the server sends no end marker and keeps the connection open.
   */
  readonly complete?: boolean;
}

/** An open stream of one attempt: its events in batches (`"done"` for the end marker) and its assembler. */
export interface OpenStream {
  events: AsyncIterable<unknown[]>;
  assembler: StreamAssembler;
}
