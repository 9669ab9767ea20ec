/**
 * The OpenAI-compatible servers director-llm knows by name: one row each, no class per server.
 * A row says where the server is, which environment variables configure it, its default model,
 * the options it is known to refuse (refused before sending, naming the server), and the quirks
 * `OpenAI` handles for it.
 */
export interface OpenAIPreset {
  /** The name in `"provider/model"` strings and `DEFAULT_LLM` (`xai`, `groq`, ...). */
  name: string;
  /** `config.llm_type`: Director's `LLMType` value where Director has one. */
  llm_type: string;
  /** The server's name in messages. */
  title: string;
  /** The prefix of its environment variables (`XAI_` reads `XAI_API_KEY`, `XAI_API_BASE`, ...). */
  env_prefix: string;
  /** Environment variable names that differ from `{prefix}{OPTION}` (VideoDB's). */
  env?: { api_key?: string[]; api_base?: string[] };
  /** The default `api_base`; `undefined`: the server's address must be given. */
  api_base: string | undefined;
  chat_model: string;
  /** A stand-in key for local servers that take none; `undefined`: a key is required. */
  placeholder_key?: string;
  /** Options the server refuses, with why: refused before sending. */
  refuses?: Readonly<Record<string, string>>;
  /** The highest temperature the server takes (refused above; Director clamped silently). */
  max_temperature?: number;
  /** Reasoning arrives inside `<think>...</think>` in `content`: moved to `reasoning`. */
  think_tags?: boolean;
  /** Tool-call ids must be exactly 9 letters and digits: other ids are mapped, the same way each time. */
  nine_char_tool_ids?: boolean;
  /** Tool calls carry Gemini's `extra_content.google.thought_signature`, which must go back. */
  thought_signatures?: boolean;
  /**
   * The server's models with their limits and list prices (USD per million tokens), where the
   * server publishes them; a preset with a table prices only its own models.
   */
  models?: Readonly<Record<string, PresetModel>>;
  /** The day `models` was taken from the server's published prices. */
  prices_as_of?: string;
}

/** One model of a preset's table. */
export interface PresetModel {
  context_window: number;
  max_output_tokens: number;
  input: number;
  cached_input: number;
  output: number;
}

const GEMINI_COMPAT_REFUSES = {
  frequency_penalty: "an unknown field on Gemini's OpenAI-compatible endpoint",
  presence_penalty: "an unknown field on Gemini's OpenAI-compatible endpoint",
  seed: "an unknown field on Gemini's OpenAI-compatible endpoint",
  logit_bias: "an unknown field on Gemini's OpenAI-compatible endpoint",
  extra_body: "sent literally as an unknown field by Gemini's OpenAI-compatible endpoint",
};

const GROQ_REFUSES = {
  logprobs: "not supported by Groq",
  top_logprobs: "not supported by Groq",
  logit_bias: "not supported by Groq",
};

const CEREBRAS_REFUSES = {
  frequency_penalty: "not supported by Cerebras",
  presence_penalty: "not supported by Cerebras",
  logit_bias: "not supported by Cerebras",
};

/** Every preset, by name. */
export const OPENAI_PRESETS = {
  videodb: {
    name: "videodb",
    llm_type: "videodb_proxy",
    title: "VideoDB's proxy",
    env_prefix: "VIDEO_DB_",
    env: { api_key: ["VIDEO_DB_API_KEY"], api_base: ["VIDEO_DB_BASE_URL"] },
    api_base: "https://api.videodb.io",
    chat_model: "gpt-4o-2024-11-20",
  },
  xai: {
    name: "xai",
    llm_type: "xai",
    title: "xAI",
    env_prefix: "XAI_",
    api_base: "https://api.x.ai/v1",
    chat_model: "grok-4",
  },
  mistral: {
    name: "mistral",
    llm_type: "mistral",
    title: "Mistral",
    env_prefix: "MISTRAL_",
    api_base: "https://api.mistral.ai/v1",
    chat_model: "mistral-medium-latest",
    nine_char_tool_ids: true,
  },
  minimax: {
    name: "minimax",
    llm_type: "minimax",
    title: "MiniMax",
    env_prefix: "MINIMAX_",
    api_base: "https://api.minimax.io/v1",
    chat_model: "MiniMax-M2.7",
    max_temperature: 1,
    think_tags: true,
  },
  evolink: {
    name: "evolink",
    llm_type: "evolink",
    title: "EvoLink",
    env_prefix: "EVOLINK_",
    api_base: "https://direct.evolink.ai/v1",
    chat_model: "gpt-5.2",
  },
  litellm: {
    name: "litellm",
    llm_type: "litellm",
    title: "a LiteLLM proxy",
    env_prefix: "LITELLM_",
    api_base: undefined,
    chat_model: "gpt-4o",
  },
  deepseek: {
    name: "deepseek",
    llm_type: "deepseek",
    title: "DeepSeek",
    env_prefix: "DEEPSEEK_",
    api_base: "https://api.deepseek.com/v1",
    chat_model: "deepseek-chat",
    // DeepSeek's pricing page (standard hours; cache hits priced apart).
    prices_as_of: "2025-09-05",
    models: {
      "deepseek-chat": {
        context_window: 128_000,
        max_output_tokens: 8_192,
        input: 0.56,
        cached_input: 0.07,
        output: 1.68,
      },
      "deepseek-reasoner": {
        context_window: 128_000,
        max_output_tokens: 65_536,
        input: 0.56,
        cached_input: 0.07,
        output: 1.68,
      },
    },
  },
  groq: {
    name: "groq",
    llm_type: "groq",
    title: "Groq",
    env_prefix: "GROQ_",
    api_base: "https://api.groq.com/openai/v1",
    chat_model: "llama-3.3-70b-versatile",
    refuses: GROQ_REFUSES,
  },
  openrouter: {
    name: "openrouter",
    llm_type: "openrouter",
    title: "OpenRouter",
    env_prefix: "OPENROUTER_",
    api_base: "https://openrouter.ai/api/v1",
    chat_model: "openai/gpt-4o-mini",
  },
  together: {
    name: "together",
    llm_type: "together",
    title: "Together AI",
    env_prefix: "TOGETHER_",
    api_base: "https://api.together.xyz/v1",
    chat_model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
  },
  fireworks: {
    name: "fireworks",
    llm_type: "fireworks",
    title: "Fireworks AI",
    env_prefix: "FIREWORKS_",
    api_base: "https://api.fireworks.ai/inference/v1",
    chat_model: "accounts/fireworks/models/llama-v3p3-70b-instruct",
  },
  cerebras: {
    name: "cerebras",
    llm_type: "cerebras",
    title: "Cerebras",
    env_prefix: "CEREBRAS_",
    api_base: "https://api.cerebras.ai/v1",
    chat_model: "llama-3.3-70b",
    refuses: CEREBRAS_REFUSES,
  },
  ollama: {
    name: "ollama",
    llm_type: "ollama",
    title: "Ollama",
    env_prefix: "OLLAMA_",
    api_base: "http://127.0.0.1:11434/v1",
    chat_model: "llama3.2",
    placeholder_key: "ollama",
  },
  lmstudio: {
    name: "lmstudio",
    llm_type: "lmstudio",
    title: "LM Studio",
    env_prefix: "LMSTUDIO_",
    api_base: "http://127.0.0.1:1234/v1",
    chat_model: "local-model",
    placeholder_key: "lm-studio",
  },
  vllm: {
    name: "vllm",
    llm_type: "vllm",
    title: "a vLLM server",
    env_prefix: "VLLM_",
    api_base: undefined,
    chat_model: "default",
    placeholder_key: "vllm",
  },
  llamacpp: {
    name: "llamacpp",
    llm_type: "llamacpp",
    title: "a llama.cpp server",
    env_prefix: "LLAMACPP_",
    api_base: undefined,
    chat_model: "default",
    placeholder_key: "llama.cpp",
  },
  "google-openai": {
    name: "google-openai",
    llm_type: "google_openai",
    title: "Gemini's OpenAI-compatible endpoint",
    env_prefix: "GOOGLEAI_",
    env: {
      api_key: ["GOOGLEAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"],
      api_base: ["GOOGLEAI_OPENAI_API_BASE"],
    },
    api_base: "https://generativelanguage.googleapis.com/v1beta/openai",
    chat_model: "gemini-2.5-flash",
    refuses: GEMINI_COMPAT_REFUSES,
    thought_signatures: true,
  },
} as const satisfies Record<string, OpenAIPreset>;

/** The name of a preset row (`xai`, `groq`, ...). */
export type OpenAIPresetName = keyof typeof OPENAI_PRESETS;
