import { inlineMediaUrls, type MediaDownload } from "./inline-media.js";
import type { BaseLLMConfig } from "../core/base-llm-config.js";
import { CallAbort } from "../core/call-abort.js";
import type { ChatCompletionOptions, ChatCompletionOptionsInput } from "../core/chat-options.js";
import { LLMError } from "../core/llm-error.js";
import { LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import type { RateBudget } from "../budgets/rate-budget.js";
import { rateBudgetFor } from "../budgets/rate-budget-for.js";
import { type CallLimits, normalizeCallOptions, resolveCallLimits } from "./call-limits.js";
import { runAttempts } from "./run-attempts.js";
import { estimatePartialUsage } from "./estimate-partial-usage.js";
import { structuredOutput, validatedOutput } from "./structured-output.js";
import { telemetrySink, traceCall } from "../telemetry/telemetry.js";
import { runTools } from "../tools/run-tools.js";
import type { RunToolsOptions, RunToolsResult, ToolRunStream } from "../tools/runnable-tool.js";
import { streamTools } from "../tools/stream-tools.js";
import { ChatStream } from "./chat-stream.js";
import type { OpenStream, PreparedRequest, SendContext, StreamAssembler } from "./prepared-request.js";
import { type LLMUsage, UsageMeter } from "./usage-meter.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The provider-neutral LLM: agents and tools call {@link BaseLLM.chat_completions} and always get
 * one {@link LLMResponse}. Shared behaviour (validation, retries, time limits, aborts, streaming
 * orchestration) lives here; a provider implements the pure mapping (`prepareRequest`) and the
 * wire calls (`sendRequest`, `openStream`).
 */
export abstract class BaseLLM {
  readonly config: BaseLLMConfig;
  readonly #meter = new UsageMeter();
  /** Rate-limit budgets by model, looked up once (the lookup hashes the key). */
  readonly #budgets = new Map<string, RateBudget | undefined>();

  constructor(config: BaseLLMConfig) {
    this.config = config;
  }

  /** What this client has used in its lifetime: calls, requests sent, tokens and cost (USD). */
  get usage(): LLMUsage {
    return this.#meter.snapshot();
  }

  /**
   * The prompt tokens `messages` (and `tools`) would cost with `model` (default: the config's):
   * exact for known models, a documented estimate for others.
   */
  abstract count_tokens(
    messages: readonly ChatMessage[],
    options?: Pick<ChatCompletionOptions, "tools" | "model">,
  ): number;

  /** Cost in USD of a response's usage for a model; `undefined` when the model's price is unknown. */
  protected abstract costOf(response: LLMResponse, model: string): number | undefined;

  /**
   * Whether this provider fetches a media part's `http(s)` URL itself for this media type (else a
   * part by URL is refused before sending, and {@link inline_media} can inline it). Yes by default.
   */
  protected takesMediaUrl(_mediaType: string | undefined): boolean {
    return true;
  }

  /**
   * The messages with each media part whose URL this provider cannot fetch (OpenAI: audio and PDFs;
   * Claude: what it takes, it fetches) downloaded by your `download` function and sent inline. Opt
   * in, per call: the library never fetches a URL on its own (a prompt could otherwise make it
   * fetch internal addresses), so `download` is where you decide which hosts and sizes to allow.
   */
  inline_media(
    messages: readonly ChatMessage[],
    download: MediaDownload,
    options: { signal?: AbortSignal } = {},
  ): Promise<ChatMessage[]> {
    return inlineMediaUrls(messages, (type) => this.takesMediaUrl(type), download, options.signal);
  }

  /**
   * Sends the conversation and returns the model's answer. Resolves for every failure of a valid
   * request (`status: ERROR`, `error` says why); rejects only with {@link InvalidArgumentError}
   * when the arguments can never make a valid request.
   */
  chat_completions(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptionsInput = {},
  ): Promise<LLMResponse> {
    // Not `async`: the usual call then costs one promise fewer. Argument errors still reject.
    let structured: ReturnType<typeof structuredOutput>;
    try {
      structured = structuredOutput(normalizeCallOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
    const { call, check, warning } = structured;
    if (call.fallback !== undefined)
      return Promise.reject(
        new InvalidArgumentError("fallback", "is an option of FallbackLLM, not of a single client"),
      );
    const repair = call.repair ?? 0;
    if (!Number.isInteger(repair) || repair < 0)
      return Promise.reject(
        new InvalidArgumentError("repair", `must be an integer >= 0 (got ${String(repair)})`),
      );
    if (check === undefined) {
      const completing = this.#complete(messages, call);
      if (warning === undefined) return completing;
      return completing.then((response) => {
        response.warnings.push(warning);
        return response;
      });
    }
    return validatedOutput({ messages, check, repair, run: (history) => this.#complete(history, call) });
  }

  /**
   * One call: prepare, pace, send with retries, map; every failure of a valid request resolves.
   * Not `async`: chained promises cost fewer microtasks than nested awaits on the hot path.
   */
  #complete(messages: readonly ChatMessage[], call: ChatCompletionOptions): Promise<LLMResponse> {
    let prepared: PreparedRequest | undefined;
    let running: Promise<LLMResponse>;
    try {
      const limits = resolveCallLimits(call, this.config);
      prepared = this.#traced(this.prepareRequest(messages, call, false), messages, call, false);
      const request = prepared;
      running = this.#retry(request, limits, (context) => this.sendRequest(request, context));
    } catch (error) {
      if (error instanceof LLMError) return Promise.resolve(this.#failed(error, prepared));
      return Promise.reject(error);
    }
    const request = prepared;
    return running.then(
      (response) => this.#finish(response, request),
      (error: unknown) => {
        if (error instanceof LLMError) return this.#failed(error, request);
        throw error;
      },
    );
  }

  #failed(error: LLMError, prepared: PreparedRequest | undefined): LLMResponse {
    const response = this.#finish(this.errorResponse(error, prepared), prepared);
    // A timed-out attempt is retried, and the provider bills each one: where the model is known
    // to think long, the failure says what to do about it.
    if (
      error.kind === "timeout" &&
      prepared !== undefined &&
      this.thinksLong(prepared.model) &&
      !error.message.includes("total_timeout")
    )
      response.warnings.push(
        `${prepared.model} may think longer than timeout (${this.config.timeout} s) allows; each timed-out attempt is retried and billed: raise timeout, or stream (a stream's timeout is an idle limit)`,
      );
    return response;
  }

  /** Whether a model is known to think long enough that the default `timeout` may cut it off. */
  protected thinksLong(_model: string): boolean {
    return false;
  }

  /**
   * Streams the answer: iterate the result for typed parts, await `result.response` for the same
   * {@link LLMResponse} `chat_completions` gives (it always resolves). Invalid arguments throw
   * {@link InvalidArgumentError} synchronously. A failure before any part is delivered is retried
   * like `chat_completions`; after that it ends the stream with an `error` part. A stream idle for
   * `timeout` seconds fails as `timeout`.
   */
  stream_chat_completions(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptionsInput = {},
  ): ChatStream {
    const { call, check, warning } = structuredOutput(normalizeCallOptions(options));
    if (call.fallback !== undefined)
      throw new InvalidArgumentError("fallback", "is an option of FallbackLLM, not of a single client");
    if (call.repair !== undefined && call.repair !== 0)
      throw new InvalidArgumentError(
        "repair",
        "a stream cannot be repaired (its parts were delivered as they arrived); use chat_completions to re-ask, or read the stream's error part",
      );
    const limits = resolveCallLimits(call, this.config);
    let prepared: PreparedRequest;
    try {
      prepared = this.#traced(this.prepareRequest(messages, call, true), messages, call, true);
    } catch (error) {
      if (!(error instanceof LLMError)) throw error;
      return new ChatStream(new CallAbort(), async (stream) => {
        stream.push({ type: "error", error });
        return this.#finish(this.errorResponse(error, undefined), undefined);
      });
    }
    // The stream's own abort (its `abort()` and `break`), following the caller's signal.
    const abort = new CallAbort(limits.signal);
    return new ChatStream(abort, async (stream) => {
      let assembler: StreamAssembler | undefined;
      const emit = (part: StreamPart) => {
        prepared.trace?.firstChunk();
        stream.push(part);
      };
      try {
        const response = await this.#retry(
          prepared,
          { ...limits, signal: abort },
          async (context) => {
            const open = await this.openStream(prepared, context);
            assembler = open.assembler;
            // The end marker, or an assembler that has the whole answer, ends the stream; leaving
            // the loop lets the transport release the connection without waiting for its end.
            for await (const batch of open.events) {
              for (const event of batch) {
                open.assembler.push(event, emit);
                if (event === "done" || open.assembler.complete === true) return open.assembler.finish();
              }
            }
            return open.assembler.finish();
          },
          () => stream.delivered === 0,
        );
        this.#finish(response, prepared);
        if (warning) response.warnings.push(warning);
        // A stream is checked against its schema when it ends (it cannot be repaired: it was delivered).
        const checked =
          check === undefined
            ? response
            : await validatedOutput({ messages, check, repair: 0, run: async () => response });
        if (checked.error) {
          stream.push({ type: "error", error: checked.error });
          return checked;
        }
        stream.push({
          type: "finish",
          finish_reason: response.finish_reason,
          send_tokens: response.send_tokens,
          recv_tokens: response.recv_tokens,
          total_tokens: response.total_tokens,
        });
        return response;
      } catch (error) {
        if (!(error instanceof LLMError)) throw error;
        stream.push({ type: "error", error });
        const partial = assembler?.partial(error);
        if (partial === undefined) return this.#finish(this.errorResponse(error, prepared), prepared);
        await estimatePartialUsage(partial, prepared, (messages, model) =>
          this.count_tokens(messages, { model }),
        );
        return this.#finish(partial, prepared);
      } finally {
        abort.dispose();
      }
    });
  }

  /** Builds and validates the provider's request. Pure; throws {@link InvalidArgumentError}. */
  protected abstract prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
    stream: boolean,
  ): PreparedRequest;

  /** Sends one attempt and maps the answer; throws {@link LLMError} for anything that went wrong. */
  protected abstract sendRequest(prepared: PreparedRequest, context: SendContext): Promise<LLMResponse>;

  /** Opens one streaming attempt (until the status and headers); throws {@link LLMError}. */
  protected abstract openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream>;

  /** The response of a failed call. */
  protected errorResponse(error: LLMError, prepared: PreparedRequest | undefined): LLMResponse {
    return new LLMResponse({
      status: LLMResponseStatus.ERROR,
      error,
      request_id: error.request_id,
      model: prepared?.model,
    });
  }

  /** Adds what every response gets: the request's warnings, the cost, and the lifetime usage. */
  #finish(response: LLMResponse, prepared: PreparedRequest | undefined): LLMResponse {
    if (response.error) response.attempts = response.error.attempts;
    if (prepared) response.warnings.unshift(...prepared.warnings);
    response.cost = this.costOf(response, response.model ?? prepared?.model ?? this.config.chat_model);
    response.provider = this.config.llm_type;
    this.#meter.record(response);
    prepared?.trace?.end(response);
    return response;
  }

  /** Starts the call's `chat {model}` span (OpenTelemetry GenAI conventions; see telemetry.ts). */
  #traced(
    prepared: PreparedRequest,
    messages: readonly ChatMessage[],
    call: ChatCompletionOptions,
    streaming: boolean,
  ) {
    const sink = telemetrySink(this.config.telemetry);
    if (sink === undefined) return prepared;
    prepared.trace = traceCall(sink, {
      provider: this.config.llm_type,
      model: prepared.model,
      apiBase: this.config.api_base,
      request: {
        max_tokens: prepared.max_tokens,
        temperature: call.temperature ?? this.config.temperature,
        top_p: call.top_p ?? this.config.top_p,
        stop: call.stop,
      },
      messages,
      streaming,
    });
    return prepared;
  }

  /**
   * The tool loop, on any provider: calls the model with `tools`, validates and runs every tool
   * call, sends the results back, and repeats until the model answers without tool calls (see
   * `runTools` in `src/tools/`). Always resolves; invalid arguments throw {@link InvalidArgumentError}.
   */
  run_tools(messages: readonly ChatMessage[], options: RunToolsOptions): Promise<RunToolsResult> {
    return runTools(this, messages, options);
  }

  /** The streaming form of {@link run_tools}: each step's parts plus `tool-start` / `tool-result`; `result` as `run_tools`. */
  stream_run_tools(messages: readonly ChatMessage[], options: RunToolsOptions): ToolRunStream {
    return streamTools(this, messages, options);
  }

  /**
   * Closes the connections this client's rate budgets hold (the Redis one, when `redis_url` is
   * set). Never required: an open Redis connection does not keep the process alive. A later call
   * reconnects.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#budgets.values()].map((budget) => budget?.close()));
  }

  /** The client as JSON: its `llm_type` and its config, redacted. */
  toJSON(): Record<string, unknown> {
    return { llm_type: this.config.llm_type, config: this.config.toJSON() };
  }

  /** What `util.inspect` and `console.log` show: the redacted JSON. */
  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }

  /** Runs attempts with retries; each attempt first waits its turn in the rate-limit budget. */
  #retry(
    prepared: PreparedRequest,
    limits: CallLimits,
    run: (context: SendContext) => Promise<LLMResponse>,
    canRetry?: () => boolean,
  ): Promise<LLMResponse> {
    const { attemptTimeoutMs } = limits;
    let budget = this.#budgets.get(prepared.model);
    if (!this.#budgets.has(prepared.model)) {
      budget = rateBudgetFor({
        apiBase: this.config.api_base,
        apiKey: this.config.api_key,
        model: prepared.model,
        mode: this.config.rate_limit,
        redisUrl: this.config.redis_url,
        probeLeaseMs: Math.min(attemptTimeoutMs, 120_000) + 1000,
      });
      this.#budgets.set(prepared.model, budget);
    }
    return runAttempts({ prepared, limits, run, canRetry, budget, config: this.config });
  }
}

export type { LLMUsage, OpenStream, PreparedRequest, SendContext, StreamAssembler };
