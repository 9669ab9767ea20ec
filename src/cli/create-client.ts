import { AnthropicAI } from "../anthropic/anthropic-ai.js";
import type { BaseLLMConfigOptions } from "../core/base-llm-config.js";
import { UsageError } from "./cli-args.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { OpenAI } from "../openai/openai.js";

export type Provider = "openai" | "anthropic";

/** The provider a run uses: `--provider`, else Anthropic for a `claude-*` model, else OpenAI. */
export function providerOf(flag: string | undefined, model: string | undefined): Provider {
  if (flag === undefined) return model?.startsWith("claude") ? "anthropic" : "openai";
  if (flag === "openai" || flag === "anthropic") return flag;
  throw new UsageError(`--provider must be openai or anthropic (got "${flag}")`);
}

/** The environment prefix of a provider's variables. */
export function envPrefixOf(provider: Provider): "OPENAI" | "ANTHROPIC" {
  return provider === "anthropic" ? "ANTHROPIC" : "OPENAI";
}

export function createClient(provider: Provider, options: BaseLLMConfigOptions): BaseLLM {
  return provider === "anthropic" ? new AnthropicAI(options) : new OpenAI(options);
}
