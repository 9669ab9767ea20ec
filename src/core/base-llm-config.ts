import {
  type BaseLLMConfigOptions,
  CONFIG_OPTION_KEYS,
  type ConfigContext,
  type ConfigEnvNames,
  type FixedRateLimit,
  REASONING_EFFORTS,
  REDIS_URL_ENV,
  type RetryBackoff,
  type TelemetryProviders,
  SERVICE_TIERS,
  VERBOSITIES,
} from "./base-llm-config-options.js";
import type { ReasoningEffort, ServiceTier, Verbosity } from "./chat-options.js";
import {
  checkKnownKeys,
  headerValueProblem,
  normalizeApiBase,
  redactRedisUrl,
  validateHeaders,
  validateRateLimit,
  validateRedisUrl,
  validateRetry,
} from "./config-validators.js";
import { didYouMean } from "./closest-name.js";
import { ConfigError } from "./usage-errors.js";

export type { BaseLLMConfigOptions, ConfigContext, ConfigEnvNames, FixedRateLimit, RetryBackoff };
export { REDIS_URL_ENV };

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** Time limits that accept `Infinity` (env `Infinity`) for "no limit". */
const SECONDS_OPTIONS: readonly (keyof BaseLLMConfigOptions)[] = ["timeout", "total_timeout"];

/**
 * Provider-neutral configuration, resolved once at construction: explicit option, then environment
 * variable, then default. Read-only afterwards. Invalid values throw {@link ConfigError}.
 */
export class BaseLLMConfig {
  readonly llm_type: string;
  readonly api_base: string;
  readonly chat_model: string;
  readonly max_tokens: number;
  readonly temperature: number;
  readonly top_p: number;
  /** Seconds. */
  readonly timeout: number;
  /** Seconds, or `undefined` for no total limit. */
  readonly total_timeout: number | undefined;
  readonly max_retries: number;
  readonly max_response_bytes: number;
  readonly allow_insecure_http: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly auth_header: "bearer" | "api-key";
  readonly rate_limit: "auto" | false | Readonly<FixedRateLimit>;
  readonly retry: Readonly<Required<RetryBackoff>>;
  /** Whether `temperature` / `top_p` were given (option or environment) rather than defaulted. */
  readonly sampling_given: Readonly<{ temperature: boolean; top_p: boolean }>;
  readonly reasoning_effort: ReasoningEffort | undefined;
  readonly verbosity: Verbosity | undefined;
  readonly service_tier: ServiceTier | undefined;
  /** `false`, the providers to use, or `undefined` for the global ones. */
  readonly telemetry: false | Readonly<TelemetryProviders> | undefined;
  readonly #api_key: string;
  readonly #redis_url: string | undefined;

  constructor(options: BaseLLMConfigOptions = {}, context: ConfigContext = {}) {
    if (typeof options !== "object" || options === null || Array.isArray(options))
      throw new ConfigError({
        option: "options",
        problem: `must be an object of config options, or left out (got ${options === null ? "null" : typeof options})`,
      });
    for (const key of Object.keys(options)) {
      if (CONFIG_OPTION_KEYS.has(key)) continue;
      throw new ConfigError({
        option: key,
        problem: `is not a config option${didYouMean(key, CONFIG_OPTION_KEYS)}`,
        advice: `the options are ${[...CONFIG_OPTION_KEYS].join(", ")}`,
      });
    }
    const env = context.env ?? process.env;
    const names: ConfigEnvNames = { redis_url: [REDIS_URL_ENV], ...context.env_names };
    const envName = (option: keyof BaseLLMConfigOptions): string | undefined => names[option]?.[0];
    const fromEnv = (option: keyof BaseLLMConfigOptions): string | undefined => {
      for (const name of names[option] ?? []) {
        const value = env[name];
        if (value !== undefined && value !== "") return value;
      }
      return undefined;
    };
    const fail = (option: keyof BaseLLMConfigOptions, problem: string): never => {
      throw new ConfigError({ option, env_var: envName(option), problem });
    };
    const numberOption = (option: keyof BaseLLMConfigOptions, fallback: number | undefined) => {
      const explicit = options[option];
      if (explicit !== undefined && explicit !== null) {
        const infinite = explicit === Number.POSITIVE_INFINITY && SECONDS_OPTIONS.includes(option);
        if (typeof explicit !== "number" || (!Number.isFinite(explicit) && !infinite))
          fail(
            option,
            `must be a finite number (got ${typeof explicit === "string" ? JSON.stringify(explicit) : String(explicit)})`,
          );
        return explicit as number;
      }
      const raw = fromEnv(option);
      if (raw === undefined) return fallback;
      const parsed = Number(raw);
      const infinite = parsed === Number.POSITIVE_INFINITY && SECONDS_OPTIONS.includes(option);
      if (raw.trim() === "" || (!Number.isFinite(parsed) && !infinite))
        fail(option, `must be a number (got "${raw}")`);
      return parsed;
    };
    const stringOption = (option: keyof BaseLLMConfigOptions, fallback: string | undefined) => {
      const explicit = options[option];
      if (explicit !== undefined) {
        if (typeof explicit !== "string") fail(option, "must be a string");
        return explicit as string;
      }
      return fromEnv(option) ?? fallback;
    };
    const enumOption = <T extends string>(option: keyof BaseLLMConfigOptions, allowed: readonly T[]) => {
      const value = stringOption(option, undefined);
      if (value !== undefined && !allowed.includes(value as T))
        fail(option, `must be one of ${allowed.join(", ")} (got "${value}")`);
      return value as T | undefined;
    };

    this.llm_type = stringOption("llm_type", context.defaults?.llm_type) ?? "";
    const apiKey = stringOption("api_key", undefined);
    if (apiKey === undefined || apiKey.trim() === "") fail("api_key", "is required and must not be empty");
    // Spaces and tabs around a pasted key are never part of it (`Bearer  sk-...` is refused by
    // every server); a CR or LF is refused below, with where it is, rather than hidden.
    const key = (apiKey as string).replace(/^[ \t]+|[ \t]+$/g, "");
    const keyProblem = headerValueProblem(key);
    if (keyProblem !== undefined) fail("api_key", keyProblem);
    this.#api_key = key;

    const apiBase = stringOption("api_base", context.defaults?.api_base);
    if (apiBase === undefined) fail("api_base", "is required");
    this.allow_insecure_http = options.allow_insecure_http ?? false;
    this.api_base = normalizeApiBase(apiBase as string, this.allow_insecure_http, (problem) =>
      fail("api_base", problem),
    );

    const model = stringOption("chat_model", context.defaults?.chat_model);
    if (model === undefined || model.trim() === "") fail("chat_model", "is required and must not be empty");
    this.chat_model = model as string;

    const maxTokens = numberOption("max_tokens", 4096) as number;
    if (!Number.isInteger(maxTokens) || maxTokens <= 0)
      fail("max_tokens", `must be a positive integer (got ${maxTokens})`);
    this.max_tokens = maxTokens;

    const temperature = numberOption("temperature", 0.9) as number;
    if (temperature < 0 || temperature > 2)
      fail("temperature", `must be between 0 and 2 (got ${temperature})`);
    this.temperature = temperature;

    const topP = numberOption("top_p", 1) as number;
    if (topP < 0 || topP > 1) fail("top_p", `must be between 0 and 1 (got ${topP})`);
    this.top_p = topP;

    const timeout = numberOption("timeout", 30) as number;
    if (timeout <= 0) fail("timeout", `must be a positive number of seconds (got ${timeout})`);
    this.timeout = timeout;

    const totalTimeout = numberOption("total_timeout", undefined);
    if (totalTimeout !== undefined && totalTimeout <= 0) {
      fail("total_timeout", `must be a positive number of seconds (got ${totalTimeout})`);
    }
    this.total_timeout = totalTimeout === Number.POSITIVE_INFINITY ? undefined : totalTimeout;

    const maxRetries = numberOption("max_retries", 2) as number;
    if (!Number.isInteger(maxRetries) || maxRetries < 0)
      fail("max_retries", `must be an integer >= 0 (got ${maxRetries})`);
    this.max_retries = maxRetries;

    const maxBytes = numberOption("max_response_bytes", 32 * 1024 * 1024) as number;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      fail("max_response_bytes", "must be a positive integer");
    this.max_response_bytes = maxBytes;

    this.headers = Object.freeze(validateHeaders(options.headers, (problem) => fail("headers", problem)));
    const authHeader = options.auth_header ?? "bearer";
    if (authHeader !== "bearer" && authHeader !== "api-key")
      fail("auth_header", 'must be "bearer" or "api-key"');
    this.auth_header = authHeader;
    this.rate_limit = validateRateLimit(options.rate_limit ?? "auto", (problem) =>
      fail("rate_limit", problem),
    );
    this.retry = validateRetry(options.retry ?? {}, (problem) => fail("retry", problem));
    this.#redis_url = validateRedisUrl(stringOption("redis_url", undefined), (problem) =>
      fail("redis_url", problem),
    );
    const given = (option: "temperature" | "top_p") =>
      (options[option] !== undefined && options[option] !== null) || fromEnv(option) !== undefined;
    this.sampling_given = Object.freeze({ temperature: given("temperature"), top_p: given("top_p") });
    this.reasoning_effort = enumOption("reasoning_effort", REASONING_EFFORTS);
    this.verbosity = enumOption("verbosity", VERBOSITIES);
    this.service_tier = enumOption("service_tier", SERVICE_TIERS);
    const telemetry = options.telemetry;
    if (
      telemetry !== undefined &&
      telemetry !== false &&
      (typeof telemetry !== "object" || telemetry === null)
    )
      fail("telemetry", "must be false or { tracer_provider, meter_provider }");
    if (typeof telemetry === "object")
      checkKnownKeys(telemetry, ["tracer_provider", "meter_provider"], (problem) =>
        fail("telemetry", problem),
      );
    this.telemetry = telemetry;
    Object.freeze(this);
  }

  /** The API key. Readable by code; hidden from `JSON.stringify`, `util.inspect` and messages. */
  get api_key(): string {
    return this.#api_key;
  }

  /**
   * Every configured secret, removed from messages wherever they appear: the key, every custom
   * header value, and the values in `api_base`'s query string (4 characters or more, so that
   * short values like `1` do not mangle messages).
   */
  get secrets(): readonly string[] {
    const values = [...Object.values(this.headers), ...new URL(this.api_base).searchParams.values()];
    return [this.#api_key, ...values.filter((value) => value.length >= 4)];
  }

  /** `api_base` with its query values redacted, for messages and `util.inspect`. */
  get api_base_redacted(): string {
    const url = new URL(this.api_base);
    if (url.search === "") return this.api_base;
    for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, "[redacted]");
    return url.toString().replace(/%5Bredacted%5D/g, "[redacted]");
  }

  /** The Redis URL of the shared rate budget, if any. Hidden from `JSON.stringify` and `util.inspect` (it may hold a password). */
  get redis_url(): string | undefined {
    return this.#redis_url;
  }

  /** Attempt time limit in milliseconds (`timeout` is in seconds). */
  get timeout_ms(): number {
    return Math.round(this.timeout * 1000);
  }

  /** The config as JSON, the key and the Redis password shown as `[redacted]`. */
  toJSON(): Record<string, unknown> {
    const headers = Object.fromEntries(Object.keys(this.headers).map((name) => [name, "[redacted]"]));
    return {
      llm_type: this.llm_type,
      api_key: "[redacted]",
      ...(this.#redis_url === undefined ? {} : { redis_url: redactRedisUrl(this.#redis_url) }),
      ...(this as unknown as Record<string, unknown>),
      api_base: this.api_base_redacted,
      headers,
      telemetry: this.telemetry === undefined || this.telemetry === false ? this.telemetry : "[providers]",
    };
  }

  /** What `util.inspect` and `console.log` show: the redacted JSON. */
  [INSPECT](): Record<string, unknown> {
    return { ...this.toJSON() };
  }
}
