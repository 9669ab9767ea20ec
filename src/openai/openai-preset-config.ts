import { BaseLLMConfig, type BaseLLMConfigOptions, type ConfigEnvNames } from "../core/base-llm-config.js";
import { ConfigError } from "../core/usage-errors.js";
import type { OpenAIPreset } from "./openai-presets.js";

const PRESET_OF = new WeakMap<OpenAIPresetConfig, OpenAIPreset>();

/** The environment variables a preset reads: `{prefix}API_KEY`, `{prefix}API_BASE`, ... unless the row names others. */
export function presetEnvNames(preset: OpenAIPreset): ConfigEnvNames {
  const prefix = preset.env_prefix;
  return {
    api_key: preset.env?.api_key ?? [`${prefix}API_KEY`],
    api_base: preset.env?.api_base ?? [`${prefix}API_BASE`],
    chat_model: [`${prefix}CHAT_MODEL`],
    max_tokens: [`${prefix}MAX_TOKENS`],
    temperature: [`${prefix}TEMPERATURE`],
    top_p: [`${prefix}TOP_P`],
    timeout: [`${prefix}TIMEOUT`],
    total_timeout: [`${prefix}TOTAL_TIMEOUT`],
    max_retries: [`${prefix}MAX_RETRIES`],
    reasoning_effort: [`${prefix}REASONING_EFFORT`],
  };
}

/**
 * Configuration of an OpenAI-compatible server known by name (see `OPENAI_PRESETS`): its
 * defaults and its own environment variables (`new XAI()` reads `XAI_*`). A local server that
 * takes no key (Ollama, LM Studio, vLLM, llama.cpp) gets a stand-in; a server with no default
 * address (LiteLLM proxy, vLLM, llama.cpp) needs `api_base`. A temperature the server refuses is a
 * {@link ConfigError}.
 */
export class OpenAIPresetConfig extends BaseLLMConfig {
  /** The row this config was made from (kept aside: a config is frozen once built). */
  get preset(): OpenAIPreset {
    return PRESET_OF.get(this)!;
  }

  constructor(
    preset: OpenAIPreset,
    options: BaseLLMConfigOptions = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    const names = presetEnvNames(preset);
    const keyInEnv = (names.api_key ?? []).some((name) => (env[name] ?? "") !== "");
    const withKey =
      preset.placeholder_key !== undefined && options.api_key === undefined && !keyInEnv
        ? { ...options, api_key: preset.placeholder_key }
        : options;
    super(withKey, {
      env,
      env_names: names,
      defaults: {
        llm_type: preset.llm_type,
        chat_model: preset.chat_model,
        ...(preset.api_base === undefined ? {} : { api_base: preset.api_base }),
      },
    });
    PRESET_OF.set(this, preset);
    const max = preset.max_temperature;
    if (max !== undefined && this.sampling_given.temperature && this.temperature > max)
      throw new ConfigError({
        option: "temperature",
        env_var: names.temperature?.[0],
        problem: `${preset.title} takes a temperature from 0 to ${max} (got ${this.temperature})`,
      });
  }
}
