import { BaseLLMConfig, type BaseLLMConfigOptions, type ConfigEnvNames } from "../core/base-llm-config.js";
import { ConfigError } from "../core/usage-errors.js";
import { DEFAULT_GOOGLE_MODEL } from "./google-chat-model.js";

/** The environment variables `GoogleAIConfig` reads, option by option (first set one wins). */
export const GOOGLE_ENV_NAMES: ConfigEnvNames = {
  // Director's name first, then the names Google's own SDKs read.
  api_key: ["GOOGLEAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"],
  api_base: ["GOOGLEAI_API_BASE"],
  chat_model: ["GOOGLEAI_CHAT_MODEL"],
  max_tokens: ["GOOGLEAI_MAX_TOKENS"],
  temperature: ["GOOGLEAI_TEMPERATURE"],
  top_p: ["GOOGLEAI_TOP_P"],
  timeout: ["GOOGLEAI_TIMEOUT"],
  total_timeout: ["GOOGLEAI_TOTAL_TIMEOUT"],
  max_retries: ["GOOGLEAI_MAX_RETRIES"],
  reasoning_effort: ["GOOGLEAI_REASONING_EFFORT"],
};

/** The Gemini API's native base; requests go to `{api_base}/models/{model}:generateContent`. */
export const GOOGLE_API_BASE = "https://generativelanguage.googleapis.com/v1beta";

/** Options of {@link GoogleAIConfig}: the base options; `llm_type` is `"googleai"`. */
export type GoogleAIConfigOptions = BaseLLMConfigOptions;

/**
 * Configuration of {@link GoogleAI}: `api_base` defaults to
 * `https://generativelanguage.googleapis.com/v1beta`, `chat_model` to `gemini-2.5-flash`; every
 * option can come from its `GOOGLEAI_*` variable, and the key also from `GEMINI_API_KEY` or
 * `GOOGLE_API_KEY`. Director's default base, the OpenAI-compatible `.../v1beta/openai/`, is refused
 * with a {@link ConfigError} that says what to use instead.
 */
export class GoogleAIConfig extends BaseLLMConfig {
  constructor(
    options: GoogleAIConfigOptions = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    super(options, {
      env,
      env_names: GOOGLE_ENV_NAMES,
      defaults: { llm_type: "googleai", api_base: GOOGLE_API_BASE, chat_model: DEFAULT_GOOGLE_MODEL },
    });
    if (/\/openai\/?$/.test(new URL(this.api_base).pathname))
      throw new ConfigError({
        option: "api_base",
        env_var: "GOOGLEAI_API_BASE",
        problem: `${this.api_base} is Gemini's OpenAI-compatible endpoint, but GoogleAI speaks Gemini's native API`,
        advice: `drop the /openai suffix (${GOOGLE_API_BASE}), or use OpenAI with api_base ${this.api_base}`,
      });
  }
}
