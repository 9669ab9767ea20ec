import { type Cooldowns, LocalCooldowns, RedisCooldowns } from "../budgets/cooldowns.js";
import { CallAbort } from "../core/call-abort.js";
import type { ChatCompletionOptions, ChatCompletionOptionsInput } from "../core/chat-options.js";
import { LLMError, type LLMErrorKind } from "../core/llm-error.js";
import { type FallbackFailure, LLMResponse, LLMResponseStatus } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { BaseLLM, type OpenStream, type PreparedRequest, type SendContext } from "../llm/base-llm.js";
import { ChatStream } from "../llm/chat-stream.js";
import { addSpentUsage, chargeSpentUsage, noSpentUsage, type SpentUsage } from "../llm/spent-usage.js";
import type { LLMUsage } from "../llm/usage-meter.js";
import { UsageMeter } from "../llm/usage-meter.js";
import { traced } from "../telemetry/telemetry.js";
import { get_llm } from "./get-llm.js";
import { type Capability, requestNeeds } from "./request-needs.js";

/** A member of the chain: a client or a `"provider/model"` string, alone or with what it can take. */
export type FallbackMember =
  | BaseLLM
  | string
  | { llm: BaseLLM | string; capabilities?: readonly Capability[] };

/** Options of {@link FallbackLLM}. */
export interface FallbackOptions {
  /** Per error kind, whether the chain moves to the next member; merged over {@link FALL_BACK_ON}. */
  fall_back_on?: Partial<Record<LLMErrorKind, boolean>>;
  /**
   * A member that failed `failures` times within `window_seconds` is skipped for `seconds`
   * (defaults 3, 60 and 60). A failure that says how long to wait (a 429's `retry-after`, Gemini's
   * `retryDelay`) cools the member down for exactly that long, and a misconfigured or spent member
   * (`authentication`, `permission_denied`, `quota_exceeded`, `model_not_found`) at once.
   */
  cooldown?: { failures?: number; window_seconds?: number; seconds?: number };
  /** Share cooldowns with every process on this Redis (`redis://`); each keeps its own when Redis is down. */
  redis_url?: string;
}

/**
 * When the chain moves on: on what another model can answer, which is every failure of a valid
 * request except the caller's abort and an answer that failed its schema after its repairs.
 */
export const FALL_BACK_ON: Readonly<Record<LLMErrorKind, boolean>> = Object.freeze({
  rate_limit: true,
  overloaded: true,
  server_error: true,
  timeout: true,
  connection: true,
  invalid_response: true,
  response_too_large: true,
  authentication: true,
  permission_denied: true,
  quota_exceeded: true,
  model_not_found: true,
  context_length_exceeded: true,
  request_too_large: true,
  bad_request: true,
  content_filter: true,
  aborted: false,
  invalid_output: false,
  max_steps: false,
  hook_error: false,
});

/** Failures that say the member itself is unusable (a bad key, no quota, no such model): cooled down at once. */
const HARD: ReadonlySet<LLMErrorKind> = new Set([
  "authentication",
  "permission_denied",
  "quota_exceeded",
  "model_not_found",
]);
/** Failures of one request, not of the member: never counted toward a cooldown. */
const REQUEST_ONLY: ReadonlySet<LLMErrorKind> = new Set([
  "context_length_exceeded",
  "request_too_large",
  "bad_request",
  "content_filter",
]);

interface Member {
  llm: BaseLLM;
  capabilities: ReadonlySet<Capability> | undefined;
  /** Its identity in the cooldown store: provider, base and model. */
  id: string;
}

function memberOf(given: FallbackMember, index: number): Member {
  const entry: { llm: BaseLLM | string; capabilities?: readonly Capability[] } =
    given instanceof BaseLLM || typeof given === "string" ? { llm: given } : given;
  const llm = typeof entry?.llm === "string" ? get_llm(entry.llm) : entry?.llm;
  if (!(llm instanceof BaseLLM))
    throw new InvalidArgumentError(
      `members[${index}]`,
      'must be a client (OpenAI, AnthropicAI, GoogleAI, ...), a "provider/model" string, or { llm, capabilities }',
    );
  const { config } = llm;
  return {
    llm,
    capabilities: entry.capabilities ? new Set(entry.capabilities) : undefined,
    id: `${config.llm_type}\n${config.api_base}\n${config.chat_model}`,
  };
}

/**
 * An answer while any one of several models can give it: a {@link BaseLLM} over an ordered list of
 * clients of any providers. A call goes to the first member that is not cooling down and can take
 * the request; a failure another model could answer (see {@link FALL_BACK_ON}) moves it to the
 * next. Each member keeps its own retries; `total_timeout` and the caller's `signal` bound the
 * whole chain. A stream falls back only before its first part reached the caller (an error event
 * inside an HTTP 200 included); after that, a failure is the stream's error, never a second answer.
 * The response names the member that answered (`provider`, `model`), the members tried before it
 * with their errors (`fallbacks`), and sums `attempts`, tokens and `cost` over every attempt.
 * `run_tools`, `stream_run_tools` and structured output work through it unchanged.
 */
export class FallbackLLM extends BaseLLM {
  readonly members: readonly BaseLLM[];
  readonly #members: readonly Member[];
  readonly #fallBackOn: Readonly<Record<string, boolean>>;
  readonly #cooldown: { failures: number; windowMs: number; ms: number };
  readonly #cooldowns: Cooldowns;
  readonly #meter = new UsageMeter();
  /** Members seen cooling down, and not answered since: after the cooldown, one call probes them. */
  readonly #suspect = new Set<string>();
  /** Members a call is probing right now. */
  readonly #probing = new Set<string>();
  /** Whether any member declared its capabilities (else only video needs a check). */
  readonly #anyCapabilities: boolean;

  constructor(members: readonly FallbackMember[], options: FallbackOptions = {}) {
    if (!Array.isArray(members) || members.length === 0)
      throw new InvalidArgumentError("members", "must be a non-empty array of clients");
    const resolved = members.map(memberOf);
    super(resolved[0]!.llm.config);
    this.#members = resolved;
    this.#anyCapabilities = resolved.some((member) => member.capabilities !== undefined);
    this.members = resolved.map((member) => member.llm);
    this.#fallBackOn = { ...FALL_BACK_ON, ...options.fall_back_on };
    const cooldown = options.cooldown ?? {};
    this.#cooldown = {
      failures: cooldown.failures ?? 3,
      windowMs: (cooldown.window_seconds ?? 60) * 1000,
      ms: (cooldown.seconds ?? 60) * 1000,
    };
    this.#cooldowns =
      options.redis_url === undefined
        ? new LocalCooldowns()
        : new RedisCooldowns(options.redis_url, "fallback");
  }

  /** Every call and request of every member this chain made, summed. */
  override get usage(): LLMUsage {
    return this.#meter.snapshot();
  }

  /** The first member's count. */
  override count_tokens(
    messages: readonly ChatMessage[],
    options?: Pick<ChatCompletionOptions, "tools" | "model">,
  ): number {
    return this.#members[0]!.llm.count_tokens(messages, options);
  }

  override chat_completions(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptionsInput = {},
  ): Promise<LLMResponse> {
    const { fallback, rest } = splitOptions(options);
    if (this.config.telemetry === false)
      return this.#chain(messages, rest, fallback, (member, call) =>
        member.llm.chat_completions(messages, call),
      );
    return traced(
      "fallback",
      { "gen_ai.operation.name": "chat", "director_llm.fallback.members": this.#members.length },
      () =>
        this.#chain(messages, rest, fallback, (member, call) => member.llm.chat_completions(messages, call)),
      (response) => (response.error === undefined ? undefined : response.error.kind),
      this.config.telemetry,
    );
  }

  override stream_chat_completions(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptionsInput = {},
  ): ChatStream {
    const { fallback, rest } = splitOptions(options);
    // The stream's own abort (its `abort()`, a `break`) follows the caller's signal; the members
    // get a real AbortSignal that follows it.
    const abort = new CallAbort(rest.signal ?? undefined);
    const members = new AbortController();
    abort.addEventListener("abort", () => members.abort(abort.reason));
    return new ChatStream(abort, async (stream) => {
      try {
        return await this.#chain(
          messages,
          { ...rest, signal: members.signal },
          fallback,
          async (member, call) => {
            const inner = member.llm.stream_chat_completions(messages, call);
            // Parts go on to the caller as they come; until the first one, a failure may fall back.
            for await (const part of inner) {
              if (part.type === "error" && stream.delivered === 0) break;
              stream.push(part);
            }
            const response = await inner.response;
            if (response.status === LLMResponseStatus.ERROR && stream.delivered > 0)
              throw new Committed(response);
            return response;
          },
        );
      } catch (error) {
        if (error instanceof Committed) return error.response;
        throw error;
      } finally {
        abort.dispose();
      }
    });
  }

  /** Tries the members in order; see the class. */
  async #chain(
    messages: readonly ChatMessage[],
    call: ChatCompletionOptionsInput,
    fallback: boolean,
    attempt: (member: Member, call: ChatCompletionOptionsInput) => Promise<LLMResponse>,
  ): Promise<LLMResponse> {
    const needs =
      this.#anyCapabilities ||
      hasMedia(messages) ||
      call.tools !== undefined ||
      call.response_format !== undefined
        ? requestNeeds(messages, call)
        : NO_NEEDS;
    const totalMs = typeof call.total_timeout === "number" ? call.total_timeout * 1000 : undefined;
    const started = performance.now();
    const failures: FallbackFailure[] = [];
    const spent = noSpentUsage();
    let last: LLMResponse | undefined;
    const candidates = fallback ? this.#members : this.#members.slice(0, 1);
    let soonest = Number.POSITIVE_INFINITY;
    for (const member of candidates) {
      const { config } = member.llm;
      const skip = (skipped: "cooldown" | "capability", message: string) =>
        failures.push({
          provider: config.llm_type,
          model: config.chat_model,
          kind: skipped,
          message,
          status_code: undefined,
          skipped,
        });
      const missing = needs.find((need) => !canTake(member, need));
      if (missing !== undefined && fallback) {
        skip("capability", `cannot take ${missing}`);
        continue;
      }
      // The local store answers synchronously: no promise unless Redis is asked.
      const remaining = fallback ? this.#cooldowns.remaining(member.id) : 0;
      const cooling = typeof remaining === "number" ? remaining : await remaining;
      if (cooling > 0) {
        soonest = Math.min(soonest, cooling);
        this.#suspect.add(member.id);
        skip("cooldown", `cooling down for ${Math.ceil(cooling / 1000)} s more`);
        continue;
      }
      // Back from a cooldown: one call probes it while the others keep skipping it (half-open),
      // so a member still down costs one failed call per cooldown, not one per concurrent call.
      const probing = fallback && this.#suspect.has(member.id);
      if (probing) {
        if (this.#probing.has(member.id)) {
          skip("cooldown", "being probed after its cooldown");
          continue;
        }
        this.#probing.add(member.id);
      }
      if (call.signal?.aborted) {
        if (probing) this.#probing.delete(member.id);
        break;
      }
      const left = totalMs === undefined ? undefined : totalMs - (performance.now() - started);
      if (left !== undefined && left <= 0) break;
      let response: LLMResponse;
      try {
        response = await attempt(member, left === undefined ? call : { ...call, total_timeout: left / 1000 });
      } finally {
        if (probing) this.#probing.delete(member.id);
      }
      this.#meter.record(response);
      last = response;
      if (response.status === LLMResponseStatus.SUCCESS) {
        this.#cooldowns.succeeded(member.id);
        this.#suspect.delete(member.id);
        return withSpent(response, failures, spent);
      }
      const error = response.error;
      if (!fallback || this.#fallBackOn[error.kind] !== true) return withSpent(response, failures, spent);
      await this.#noteFailure(member, error);
      failures.push({
        provider: config.llm_type,
        model: response.model ?? config.chat_model,
        kind: error.kind,
        message: error.message,
        status_code: error.status_code,
      });
      addSpentUsage(spent, response);
    }
    if (last !== undefined) {
      // Every member failed: the last failure, with the ones before it.
      last.fallbacks = failures.slice(0, -1);
      return withSpent(last, [], spent, true);
    }
    const error = new LLMError({
      kind: call.signal?.aborted
        ? "aborted"
        : soonest < Number.POSITIVE_INFINITY
          ? "rate_limit"
          : "bad_request",
      message: call.signal?.aborted
        ? "the call was aborted before any member was tried"
        : soonest < Number.POSITIVE_INFINITY
          ? `every member is cooling down (the first is back in ${Math.ceil(soonest / 1000)} s); nothing was sent`
          : `no member can take this request (it needs ${needs.join(", ")}); nothing was sent`,
      retryable: soonest < Number.POSITIVE_INFINITY,
      retry_after_ms: soonest < Number.POSITIVE_INFINITY ? Math.ceil(soonest) : undefined,
    });
    const response = new LLMResponse({ status: LLMResponseStatus.ERROR, error, fallbacks: failures });
    this.#meter.record(response);
    return response;
  }

  async #noteFailure(member: Member, error: LLMError): Promise<void> {
    if (error.kind === "aborted" || REQUEST_ONLY.has(error.kind)) return;
    if (error.retry_after_ms !== undefined && error.retry_after_ms > 0) {
      await this.#cooldowns.coolDown(member.id, error.retry_after_ms);
      return;
    }
    if (HARD.has(error.kind)) {
      await this.#cooldowns.coolDown(member.id, this.#cooldown.ms);
      return;
    }
    const count = await this.#cooldowns.failed(member.id, this.#cooldown.windowMs);
    if (count >= this.#cooldown.failures) await this.#cooldowns.coolDown(member.id, this.#cooldown.ms);
  }

  /** Closes every member's connections. */
  override async close(): Promise<void> {
    await Promise.all(this.#members.map((member) => member.llm.close()));
  }

  protected override costOf(response: LLMResponse): number | undefined {
    return response.cost;
  }

  protected override prepareRequest(): PreparedRequest {
    throw new Error("FallbackLLM sends through its members");
  }

  protected override sendRequest(_prepared: PreparedRequest, _context: SendContext): Promise<LLMResponse> {
    throw new Error("FallbackLLM sends through its members");
  }

  protected override openStream(_prepared: PreparedRequest, _context: SendContext): Promise<OpenStream> {
    throw new Error("FallbackLLM sends through its members");
  }
}

/** A failure of a stream after its first part: the stream's own error, never a fallback. */
class Committed extends Error {
  constructor(readonly response: LLMResponse) {
    super("stream failed after its first part");
  }
}

const NO_NEEDS: Capability[] = [];

/** Whether any message has content parts (which may carry media a member cannot take). */
function hasMedia(messages: readonly ChatMessage[]): boolean {
  for (const message of messages) if (Array.isArray(message?.content)) return true;
  return false;
}

function canTake(member: Member, need: Capability): boolean {
  if (member.capabilities !== undefined) return member.capabilities.has(need);
  // Without declared capabilities: video only on Gemini, everything else everywhere.
  return need !== "video" || member.llm.config.llm_type === "googleai";
}

/** `fallback: false` pins the first member; the rest goes to the members. */
function splitOptions(options: ChatCompletionOptionsInput): {
  fallback: boolean;
  rest: ChatCompletionOptionsInput;
} {
  if (options === null || typeof options !== "object") return { fallback: true, rest: options };
  const { fallback, ...rest } = options as ChatCompletionOptionsInput & { fallback?: boolean | null };
  if (fallback !== undefined && fallback !== null && typeof fallback !== "boolean")
    throw new InvalidArgumentError("options.fallback", "must be a boolean");
  return { fallback: fallback !== false, rest };
}

/** The answering (or last) response, with the failures before it and every attempt's usage added. */
function withSpent(
  response: LLMResponse,
  failures: FallbackFailure[],
  spent: SpentUsage,
  keep = false,
): LLMResponse {
  if (!keep) response.fallbacks = failures;
  chargeSpentUsage(response, spent);
  if (response.error) response.error.attempts = response.attempts;
  return response;
}
