import { AnthropicAI } from "../anthropic/anthropic-ai.js";
import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import { GoogleAI } from "../google/google-ai.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { OpenAI } from "../openai/openai.js";
import { UsageError } from "./cli-args.js";

/** The providers the CLI speaks, by `--provider` name. */
export const PROVIDERS = ["openai", "anthropic", "google"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The environment prefix of each provider's variables. */
const ENV_PREFIX = { openai: "OPENAI", anthropic: "ANTHROPIC", google: "GOOGLEAI" } as const;
export type EnvPrefix = (typeof ENV_PREFIX)[Provider];

/** A `--provider` value, checked. */
export function providerNamed(flag: string): Provider {
  if ((PROVIDERS as readonly string[]).includes(flag)) return flag as Provider;
  throw new UsageError(`--provider must be ${PROVIDERS.join(", ")} (got "${flag}")`);
}

/** The provider a run uses: `--provider`, else Anthropic for `claude-*`, Google for `gemini-*`, else OpenAI. */
export function providerOf(flag: string | undefined, model: string | undefined): Provider {
  if (flag !== undefined) return providerNamed(flag);
  if (model?.startsWith("claude")) return "anthropic";
  if (model?.startsWith("gemini") || model?.startsWith("models/gemini")) return "google";
  return "openai";
}

/** The environment prefix of a provider's variables. */
export function envPrefixOf(provider: Provider): EnvPrefix {
  return ENV_PREFIX[provider];
}

export function createClient(provider: Provider, options: BaseLLMConfigOptions): BaseLLM {
  if (provider === "anthropic") return new AnthropicAI(options);
  if (provider === "google") return new GoogleAI(options);
  return new OpenAI(options);
}
