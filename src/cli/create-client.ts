import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { OPENAI_PRESETS } from "../openai/openai-presets.js";
import { get_llm, PROVIDER_NAMES, parseModelString } from "../registry/get-llm.js";
import { UsageError } from "./cli-args.js";

/** A provider name `get_llm` knows (`openai`, `anthropic`, `google`, a preset such as `groq`). */
export type Provider = string;
/** The prefix of a provider's environment variables, without its `_` (`OPENAI`, `GROQ`, ...). */
export type EnvPrefix = string;

/** The providers `--provider` offers, as the help lists them. */
export const PROVIDERS = ["openai", "anthropic", "google", ...Object.keys(OPENAI_PRESETS)];

/** A `--provider` value, checked. */
export function providerNamed(flag: string): Provider {
  const name = flag.trim().toLowerCase();
  if (PROVIDER_NAMES.includes(name)) return name;
  throw new UsageError(`--provider must be one of ${PROVIDERS.join(", ")} (got "${flag}")`);
}

/**
 * The provider and model of a run: `--provider` if given; else a `"provider/model"` `--model`
 * (`groq/llama-3.3-70b-versatile`); else Anthropic for `claude-*`, Google for `gemini-*`; else OpenAI.
 * A model whose prefix is no provider (`meta-llama/Llama-3.3-70B` on a vLLM) stays whole.
 */
export function providerOf(
  flag: string | undefined,
  model: string | undefined,
): { provider: Provider; model: string | undefined } {
  if (flag !== undefined) return { provider: providerNamed(flag), model };
  if (model?.includes("/")) {
    const parsed = parseModelString(model);
    if (PROVIDER_NAMES.includes(parsed.provider)) return { provider: parsed.provider, model: parsed.model };
  }
  if (model?.startsWith("claude")) return { provider: "anthropic", model };
  if (model?.startsWith("gemini") || model?.startsWith("models/gemini")) return { provider: "google", model };
  return { provider: "openai", model };
}

/** The environment prefix of a provider's variables. */
export function envPrefixOf(provider: Provider): EnvPrefix {
  if (provider === "openai") return "OPENAI";
  if (provider === "anthropic") return "ANTHROPIC";
  if (provider === "google" || provider === "googleai" || provider === "gemini") return "GOOGLEAI";
  const preset = Object.values(OPENAI_PRESETS).find(
    (row) => row.name === provider || row.llm_type === provider,
  );
  return preset === undefined ? "OPENAI" : preset.env_prefix.replace(/_$/, "");
}

export function createClient(
  provider: Provider,
  options: BaseLLMConfigOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): BaseLLM {
  return get_llm(provider, options, env);
}
