import type { ReasoningEffort, ServiceTier, Verbosity } from "./chat-options.js";

/** Fixed request and token budgets, for servers that send no `x-ratelimit-*` headers. */
export interface FixedRateLimit {
  requests_per_minute?: number;
  tokens_per_minute?: number;
}

/** Retry backoff tuning; the defaults suit OpenAI. */
export interface RetryBackoff {
  /** First backoff wait before jitter. @default 500 */
  initial_delay_ms?: number;
  /** Largest backoff wait before jitter. @default 8000 */
  max_delay_ms?: number;
  /** Longest `retry-after` we are willing to sleep; a longer one fails fast. @default 60000 */
  max_retry_after_ms?: number;
}

/** Options of every provider's config. Each may also come from the environment (see the README). */
export interface BaseLLMConfigOptions {
  /** Provider name, e.g. `"openai"`. */
  llm_type?: string;
  /** API key (required). Never printed, serialized or logged. */
  api_key?: string;
  /** Base URL of the API, without the `/chat/completions` path. */
  api_base?: string;
  /** Model id used when a call does not name one. */
  chat_model?: string;
  /** Maximum output tokens per response. @default 4096 */
  max_tokens?: number;
  /** Sampling temperature, 0..2. @default 0.9 */
  temperature?: number;
  /** Nucleus sampling, 0..1. @default 1 */
  top_p?: number;
  /** Time limit of one attempt, from connect to the last byte, in seconds. @default 30 */
  timeout?: number;
  /** Time limit of a whole call, retries and waits included, in seconds. @default none */
  total_timeout?: number;
  /** Retries after the first attempt, for failures that can succeed later. @default 2 */
  max_retries?: number;
  /** Largest response body accepted, in bytes. @default 33554432 (32 MiB) */
  max_response_bytes?: number;
  /** Allow an `http://` api_base that is not loopback (the key would travel in clear). @default false */
  allow_insecure_http?: boolean;
  /** Extra headers sent with every request (e.g. for a proxy). */
  headers?: Record<string, string>;
  /** How the key is sent: `"bearer"` (`Authorization: Bearer`) or `"api-key"` (Azure). @default "bearer" */
  auth_header?: "bearer" | "api-key";
  /** Client-side pacing: `"auto"` learns from `x-ratelimit-*` headers, `false` is off. @default "auto" */
  rate_limit?: "auto" | false | FixedRateLimit;
  /** Retry backoff tuning. */
  retry?: RetryBackoff;
  /**
   * A Redis (or Valkey) URL, `redis://` or `rediss://`: every rate budget then lives there and every
   * process on that Redis paces as one client. Needs the optional peer `ioredis`. @default none
   */
  redis_url?: string;
  /**
   * OpenTelemetry: `false` records nothing; `{ tracer_provider, meter_provider }` uses those instead
   * of the global ones (from `@opentelemetry/api`). @default the global providers
   */
  telemetry?: false | TelemetryProviders;
  /** Default `reasoning_effort` of calls to reasoning models (others are sent none). @default none */
  reasoning_effort?: ReasoningEffort;
  /** Default `verbosity` of calls to models that take it (gpt-5). @default none */
  verbosity?: Verbosity;
  /** Default `service_tier` of every call. @default none (the project's setting) */
  service_tier?: ServiceTier;
}

const CONFIG_KEYS = [
  "llm_type",
  "api_key",
  "api_base",
  "chat_model",
  "max_tokens",
  "temperature",
  "top_p",
  "timeout",
  "total_timeout",
  "max_retries",
  "max_response_bytes",
  "allow_insecure_http",
  "headers",
  "auth_header",
  "rate_limit",
  "retry",
  "redis_url",
  "telemetry",
  "reasoning_effort",
  "verbosity",
  "service_tier",
] as const satisfies readonly (keyof BaseLLMConfigOptions)[];
/** Fails to compile when an option of {@link BaseLLMConfigOptions} is missing from the list above. */
const everyOptionListed: [Exclude<keyof BaseLLMConfigOptions, (typeof CONFIG_KEYS)[number]>] extends [never]
  ? true
  : never = true;
void everyOptionListed;

/** Every key {@link BaseLLMConfigOptions} has: any other key is refused, never silently ignored. */
export const CONFIG_OPTION_KEYS: ReadonlySet<string> = new Set<string>(CONFIG_KEYS);

export const REASONING_EFFORTS: readonly ReasoningEffort[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
];
export const VERBOSITIES: readonly Verbosity[] = ["low", "medium", "high"];
export const SERVICE_TIERS: readonly ServiceTier[] = ["auto", "default", "flex", "scale", "priority", "fast"];

/** The environment variable of `redis_url`, read by every provider's config. */
export const REDIS_URL_ENV = "DIRECTOR_LLM_REDIS_URL";

/** Which environment variables feed which options, first match wins. */
export type ConfigEnvNames = Partial<Record<keyof BaseLLMConfigOptions, readonly string[]>>;

/** What a provider's config adds to the base: its environment variables and defaults. */
export interface ConfigContext {
  env?: Readonly<Record<string, string | undefined>>;
  env_names?: ConfigEnvNames;
  defaults?: { llm_type?: string; api_base?: string; chat_model?: string };
}

/** Where telemetry goes when not to the global OpenTelemetry providers (any object with their methods). */
export interface TelemetryProviders {
  tracer_provider?: { getTracer(name: string, version?: string): unknown };
  meter_provider?: { getMeter(name: string, version?: string): unknown };
}
