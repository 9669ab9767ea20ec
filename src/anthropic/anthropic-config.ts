import { BaseLLMConfig, type BaseLLMConfigOptions, type ConfigEnvNames } from "../core/base-llm-config.js";
import { DEFAULT_ANTHROPIC_MODEL } from "./anthropic-chat-model.js";

/** The environment variables `AnthropicAIConfig` reads, option by option (first set one wins). */
export const ANTHROPIC_ENV_NAMES: ConfigEnvNames = {
  api_key: ["ANTHROPIC_API_KEY"],
  api_base: ["ANTHROPIC_API_BASE"],
  chat_model: ["ANTHROPIC_CHAT_MODEL"],
  max_tokens: ["ANTHROPIC_MAX_TOKENS"],
  temperature: ["ANTHROPIC_TEMPERATURE"],
  top_p: ["ANTHROPIC_TOP_P"],
  timeout: ["ANTHROPIC_TIMEOUT"],
  total_timeout: ["ANTHROPIC_TOTAL_TIMEOUT"],
  max_retries: ["ANTHROPIC_MAX_RETRIES"],
  reasoning_effort: ["ANTHROPIC_REASONING_EFFORT"],
  service_tier: ["ANTHROPIC_SERVICE_TIER"],
};

/** Options of {@link AnthropicAIConfig}: the base options; `llm_type` is `"anthropic"`. */
export type AnthropicAIConfigOptions = BaseLLMConfigOptions;

/**
 * `ANTHROPIC_BASE_URL`, as the official SDK reads it: an origin without `/v1`, which is added.
 * `ANTHROPIC_API_BASE` (Director's name) is the whole base and wins when both are set.
 */
function baseFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const origin = env["ANTHROPIC_BASE_URL"];
  if (origin === undefined || origin === "" || (env["ANTHROPIC_API_BASE"] ?? "") !== "") return undefined;
  // Given with its `/v1` already (a common copy of the API base), it is not added twice.
  return `${origin.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1`;
}

/**
 * Configuration of {@link AnthropicAI}: `api_base` defaults to `https://api.anthropic.com/v1`
 * (requests go to `{api_base}/messages`), `chat_model` to `claude-sonnet-4-5`; every option can
 * come from its `ANTHROPIC_*` environment variable.
 */
export class AnthropicAIConfig extends BaseLLMConfig {
  constructor(
    options: AnthropicAIConfigOptions = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    super(options, {
      env,
      env_names: ANTHROPIC_ENV_NAMES,
      defaults: {
        llm_type: "anthropic",
        api_base: baseFromEnv(env) ?? "https://api.anthropic.com/v1",
        chat_model: DEFAULT_ANTHROPIC_MODEL,
      },
    });
  }
}
