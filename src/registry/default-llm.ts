import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import { ConfigError } from "../core/usage-errors.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { FallbackLLM } from "./fallback-llm.js";
import { get_llm, PROVIDER_NAMES, parseModelString, providerFactory } from "./get-llm.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The variables that select a provider in {@link get_default_llm}, in the order they are tried. */
export const DEFAULT_LLM_VARIABLES = [
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "GOOGLEAI_API_KEY",
  "DEFAULT_LLM",
  "VIDEO_DB_API_KEY",
] as const;

/**
 * The client a Director agent gets without naming a provider, with Director's rules
 * (`director/llm/__init__.py`): `OPENAI_API_KEY` set or `DEFAULT_LLM=openai` → `OpenAI`; else
 * `ANTHROPIC_API_KEY` or `anthropic` → `AnthropicAI`; else `GOOGLEAI_API_KEY` or `googleai` →
 * `GoogleAI`; else any other provider `DEFAULT_LLM` names; else `VideoDBProxy`, when
 * `VIDEO_DB_API_KEY` is set. A key that is set wins over `DEFAULT_LLM`, as in Director.
 * `DEFAULT_LLM` may also be a `"provider/model"` string (`anthropic/claude-haiku-4-5`): its model is
 * used when its provider is the one chosen. A comma-separated list
 * (`DEFAULT_LLM=anthropic/claude-sonnet-4-5,openai/gpt-4o`) builds a `FallbackLLM` over those, in
 * that order. With nothing set, a {@link ConfigError} lists every
 * variable that would select a provider.
 */
export function get_default_llm(env: Env = process.env, config: BaseLLMConfigOptions = {}): BaseLLM {
  const set = (name: string) => (env[name] ?? "").trim() !== "";
  // A list (`anthropic/claude-sonnet-4-5,openai/gpt-4o`) is a fallback chain, in that order.
  const list = (env["DEFAULT_LLM"] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (list.length > 1) return new FallbackLLM(list.map((item) => get_llm(item, config, env)));
  const wanted = set("DEFAULT_LLM") ? parseModelString(env["DEFAULT_LLM"]!) : undefined;
  const wantedProvider = wanted === undefined ? undefined : canonicalProvider(wanted.provider);
  const build = (provider: string) => {
    const options =
      wantedProvider === provider && wanted?.model !== undefined
        ? { ...config, chat_model: wanted.model }
        : config;
    return providerFactory(provider)!(options, env);
  };
  if (set("OPENAI_API_KEY") || wantedProvider === "openai") return build("openai");
  if (set("ANTHROPIC_API_KEY") || wantedProvider === "anthropic") return build("anthropic");
  if (set("GOOGLEAI_API_KEY") || wantedProvider === "googleai") return build("googleai");
  if (wantedProvider !== undefined && wantedProvider !== "videodb_proxy") {
    if (providerFactory(wantedProvider) === undefined)
      throw new ConfigError({
        option: "DEFAULT_LLM",
        env_var: "DEFAULT_LLM",
        problem: `names no known provider ("${wanted!.provider}")`,
        advice: `the providers are ${PROVIDER_NAMES.join(", ")}`,
      });
    return build(wantedProvider);
  }
  if (set("VIDEO_DB_API_KEY") || wantedProvider === "videodb_proxy") return build("videodb_proxy");
  throw new ConfigError({
    option: "DEFAULT_LLM",
    problem: "no provider is configured",
    advice: `set one of ${DEFAULT_LLM_VARIABLES.join(", ")} (DEFAULT_LLM names a provider, or a "provider/model" string)`,
  });
}

/** Director's `LLMType` name of a provider a string may give under another name. */
function canonicalProvider(provider: string): string {
  if (provider === "google" || provider === "gemini") return "googleai";
  if (provider === "videodb") return "videodb_proxy";
  return provider;
}
