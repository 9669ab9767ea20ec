import { BaseLLMConfig, type BaseLLMConfigOptions, type ConfigEnvNames } from "../core/base-llm-config.js";
import { OpenAIChatModel } from "./openai-chat-model.js";

/** The environment variables `OpenAIConfig` reads, option by option (first set one wins). */
export const OPENAI_ENV_NAMES: ConfigEnvNames = {
  api_key: ["OPENAI_API_KEY"],
  api_base: ["OPENAI_API_BASE", "OPENAI_BASE_URL"],
  chat_model: ["OPENAI_CHAT_MODEL"],
  max_tokens: ["OPENAI_MAX_TOKENS"],
  temperature: ["OPENAI_TEMPERATURE"],
  top_p: ["OPENAI_TOP_P"],
  timeout: ["OPENAI_TIMEOUT"],
  total_timeout: ["OPENAI_TOTAL_TIMEOUT"],
  max_retries: ["OPENAI_MAX_RETRIES"],
  reasoning_effort: ["OPENAI_REASONING_EFFORT"],
  verbosity: ["OPENAI_VERBOSITY"],
  service_tier: ["OPENAI_SERVICE_TIER"],
};

/** Options of {@link OpenAIConfig}: the base options; `llm_type` is `"openai"`. */
export type OpenAIConfigOptions = BaseLLMConfigOptions;

/**
 * Configuration of {@link OpenAI}: `api_base` defaults to `https://api.openai.com/v1` and
 * `chat_model` to `gpt-4o`; every option can come from its `OPENAI_*` environment variable.
 */
export class OpenAIConfig extends BaseLLMConfig {
  constructor(
    options: OpenAIConfigOptions = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    super(options, {
      env,
      env_names: OPENAI_ENV_NAMES,
      defaults: {
        llm_type: "openai",
        api_base: "https://api.openai.com/v1",
        chat_model: OpenAIChatModel.GPT4o,
      },
    });
  }
}
