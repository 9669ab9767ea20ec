import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import { OpenAI } from "./openai.js";
import { OpenAIPresetConfig } from "./openai-preset-config.js";
import { OPENAI_PRESETS, type OpenAIPreset } from "./openai-presets.js";

/** The class of a named OpenAI-compatible server: `new XAI()` reads `XAI_*`, `new XAI({ ... })` takes options. */
export type OpenAIPresetClient = new (config?: OpenAIPresetConfig | BaseLLMConfigOptions) => OpenAI;

/** A client class for a preset row: an `OpenAI` built from the row's config, named as Director names it. */
export function presetClient(preset: OpenAIPreset, name: string): OpenAIPresetClient {
  const client = class extends OpenAI {
    constructor(config: OpenAIPresetConfig | BaseLLMConfigOptions = {}) {
      super(config instanceof OpenAIPresetConfig ? config : new OpenAIPresetConfig(preset, config));
    }
  };
  Object.defineProperty(client, "name", { value: name });
  return client;
}

/** xAI (Grok) at `https://api.x.ai/v1`; reads `XAI_*`. */
export const XAI = presetClient(OPENAI_PRESETS.xai, "XAI");
/** Mistral at `https://api.mistral.ai/v1`; reads `MISTRAL_*`. Tool-call ids from other providers are mapped to the 9 characters Mistral takes. */
export const MistralAI = presetClient(OPENAI_PRESETS.mistral, "MistralAI");
/** MiniMax at `https://api.minimax.io/v1`; reads `MINIMAX_*`. Its `<think>` text is moved to `reasoning`; temperatures above 1 are refused. */
export const MiniMax = presetClient(OPENAI_PRESETS.minimax, "MiniMax");
/** EvoLink at `https://direct.evolink.ai/v1`; reads `EVOLINK_*`. */
export const Evolink = presetClient(OPENAI_PRESETS.evolink, "Evolink");
/** A LiteLLM proxy; reads `LITELLM_*`, and `LITELLM_API_BASE` (or `api_base`) is required. */
export const LiteLLM = presetClient(OPENAI_PRESETS.litellm, "LiteLLM");
/** DeepSeek at `https://api.deepseek.com/v1`; reads `DEEPSEEK_*`. */
export const DeepSeek = presetClient(OPENAI_PRESETS.deepseek, "DeepSeek");
/** Groq at `https://api.groq.com/openai/v1`; reads `GROQ_*`. `logprobs`, `top_logprobs` and `logit_bias` are refused. */
export const Groq = presetClient(OPENAI_PRESETS.groq, "Groq");
/** OpenRouter at `https://openrouter.ai/api/v1`; reads `OPENROUTER_*`. */
export const OpenRouter = presetClient(OPENAI_PRESETS.openrouter, "OpenRouter");
/** Together AI at `https://api.together.xyz/v1`; reads `TOGETHER_*`. */
export const Together = presetClient(OPENAI_PRESETS.together, "Together");
/** Fireworks AI at `https://api.fireworks.ai/inference/v1`; reads `FIREWORKS_*`. */
export const Fireworks = presetClient(OPENAI_PRESETS.fireworks, "Fireworks");
/** Cerebras at `https://api.cerebras.ai/v1`; reads `CEREBRAS_*`. The penalties and `logit_bias` are refused. */
export const Cerebras = presetClient(OPENAI_PRESETS.cerebras, "Cerebras");
/** A local Ollama at `http://127.0.0.1:11434/v1` (no key needed); reads `OLLAMA_*`. */
export const Ollama = presetClient(OPENAI_PRESETS.ollama, "Ollama");
/** A local LM Studio at `http://127.0.0.1:1234/v1` (no key needed); reads `LMSTUDIO_*`. */
export const LMStudio = presetClient(OPENAI_PRESETS.lmstudio, "LMStudio");
/** A vLLM server; reads `VLLM_*`, and `VLLM_API_BASE` (or `api_base`) is required. */
export const VLLM = presetClient(OPENAI_PRESETS.vllm, "VLLM");
/** A llama.cpp server; reads `LLAMACPP_*`, and `LLAMACPP_API_BASE` (or `api_base`) is required. */
export const LlamaCpp = presetClient(OPENAI_PRESETS.llamacpp, "LlamaCpp");
/**
 * Gemini through its OpenAI-compatible endpoint (Director's `GoogleAI` base); reads the key as
 * `GoogleAI` does. Thought signatures round-trip through `extra_content`; the options the endpoint
 * rejects as unknown fields are refused. `GoogleAI` (the native API) is the better choice.
 */
export const GoogleOpenAI = presetClient(OPENAI_PRESETS["google-openai"], "GoogleOpenAI");

/**
 * Configuration of {@link VideoDBProxy}: the key from `VIDEO_DB_API_KEY`, the base from
 * `VIDEO_DB_BASE_URL` (default `https://api.videodb.io`; requests go to `{base}/chat/completions`),
 * the model `gpt-4o-2024-11-20`.
 */
export class VideoDBProxyConfig extends OpenAIPresetConfig {
  constructor(
    options: BaseLLMConfigOptions = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    super(OPENAI_PRESETS.videodb, options, env);
  }
}

/** The OpenAI protocol against VideoDB's proxy: the provider Director falls back to when no key is set. */
export class VideoDBProxy extends OpenAI {
  constructor(config: VideoDBProxyConfig | BaseLLMConfigOptions = {}) {
    super(config instanceof VideoDBProxyConfig ? config : new VideoDBProxyConfig(config));
  }
}
