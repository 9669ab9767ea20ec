import { AnthropicAI } from "../anthropic/anthropic-ai.js";
import { AnthropicAIConfig } from "../anthropic/anthropic-config.js";
import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import { ConfigError } from "../core/usage-errors.js";
import { GoogleAI } from "../google/google-ai.js";
import { GoogleAIConfig } from "../google/google-ai-config.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { OpenAI } from "../openai/openai.js";
import { OpenAIConfig } from "../openai/openai-config.js";
import { VideoDBProxy, VideoDBProxyConfig } from "../openai/openai-preset-clients.js";
import { OpenAIPresetConfig } from "../openai/openai-preset-config.js";
import { OPENAI_PRESETS, type OpenAIPreset, type OpenAIPresetName } from "../openai/openai-presets.js";

/** Director's `LLMType` values, plus one per OpenAI-compatible preset. */
export const LLMType = {
  OPENAI: "openai",
  ANTHROPIC: "anthropic",
  GOOGLEAI: "googleai",
  VIDEODB_PROXY: "videodb_proxy",
  XAI: "xai",
  MISTRAL: "mistral",
  MINIMAX: "minimax",
  EVOLINK: "evolink",
  LITELLM: "litellm",
  DEEPSEEK: "deepseek",
  GROQ: "groq",
  OPENROUTER: "openrouter",
  TOGETHER: "together",
  FIREWORKS: "fireworks",
  CEREBRAS: "cerebras",
  OLLAMA: "ollama",
  LMSTUDIO: "lmstudio",
  VLLM: "vllm",
  LLAMACPP: "llamacpp",
  GOOGLE_OPENAI: "google_openai",
} as const;
export type LLMType = (typeof LLMType)[keyof typeof LLMType];

type Env = Readonly<Record<string, string | undefined>>;
type Factory = (options: BaseLLMConfigOptions, env: Env) => BaseLLM;

/** Every provider a `"provider/model"` string may name, with the names Director's `LLMType` uses too. */
const PROVIDERS: Readonly<Record<string, Factory>> = {
  openai: (options, env) => new OpenAI(new OpenAIConfig(options, env)),
  anthropic: (options, env) => new AnthropicAI(new AnthropicAIConfig(options, env)),
  google: (options, env) => new GoogleAI(new GoogleAIConfig(options, env)),
  googleai: (options, env) => new GoogleAI(new GoogleAIConfig(options, env)),
  gemini: (options, env) => new GoogleAI(new GoogleAIConfig(options, env)),
  videodb: (options, env) => new VideoDBProxy(new VideoDBProxyConfig(options, env)),
  videodb_proxy: (options, env) => new VideoDBProxy(new VideoDBProxyConfig(options, env)),
  ...Object.fromEntries(
    (Object.keys(OPENAI_PRESETS) as OpenAIPresetName[])
      .filter((name) => name !== "videodb")
      .flatMap((name) => {
        const preset: OpenAIPreset = OPENAI_PRESETS[name];
        const factory: Factory = (options, env) => new OpenAI(new OpenAIPresetConfig(preset, options, env));
        return preset.llm_type === name
          ? [[name, factory]]
          : [
              [name, factory],
              [preset.llm_type, factory],
            ];
      }),
  ),
};

/** The provider names `get_llm` knows. */
export const PROVIDER_NAMES: readonly string[] = Object.freeze(Object.keys(PROVIDERS));

/** `"provider/model"` split at the first `/` (`openrouter/anthropic/claude-sonnet-4-5` keeps its model whole). */
export function parseModelString(text: string): { provider: string; model: string | undefined } {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  if (slash < 0) return { provider: trimmed.toLowerCase(), model: undefined };
  const model = trimmed.slice(slash + 1);
  return { provider: trimmed.slice(0, slash).toLowerCase(), model: model === "" ? undefined : model };
}

/**
 * A client from one string, as LangChain's `initChatModel` or LiteLLM's model names: `"openai/gpt-4o"`,
 * `"anthropic/claude-haiku-4-5"`, `"google/gemini-2.5-flash"`, `"groq/llama-3.3-70b-versatile"`,
 * `"openrouter/anthropic/claude-sonnet-4-5"` (split at the first `/`), or a provider name alone for
 * its default model. `config` takes the provider's own config keys; the string's model wins over
 * `config.chat_model`. An unknown provider is a {@link ConfigError} listing the known ones.
 */
export function get_llm(model: string, config: BaseLLMConfigOptions = {}, env: Env = process.env): BaseLLM {
  if (typeof model !== "string" || model.trim() === "")
    throw new ConfigError({
      option: "model",
      problem: 'must be a "provider/model" string such as "openai/gpt-4o"',
    });
  const parsed = parseModelString(model);
  const factory = Object.hasOwn(PROVIDERS, parsed.provider) ? PROVIDERS[parsed.provider] : undefined;
  if (factory === undefined)
    throw new ConfigError({
      option: "model",
      problem: `names no known provider ("${parsed.provider}")`,
      advice: `the providers are ${PROVIDER_NAMES.join(", ")}`,
    });
  return factory(parsed.model === undefined ? config : { ...config, chat_model: parsed.model }, env);
}

/** The factory of a provider name `get_llm` knows (`undefined` for an unknown one). */
export function providerFactory(
  name: string,
): ((options: BaseLLMConfigOptions, env: Env) => BaseLLM) | undefined {
  return Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
}
