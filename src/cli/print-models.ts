import { ANTHROPIC_MODELS } from "../anthropic/anthropic-chat-model.js";
import { ANTHROPIC_PRICES } from "../anthropic/anthropic-prices.js";
import { GOOGLE_MODELS } from "../google/google-chat-model.js";
import { GOOGLE_PRICES } from "../google/google-prices.js";
import { OPENAI_MODELS } from "../openai/openai-chat-model.js";
import { OPENAI_PRICES } from "../openai/openai-prices.js";
import { presetEnvNames } from "../openai/openai-preset-config.js";
import { OPENAI_PRESETS, type OpenAIPreset } from "../openai/openai-presets.js";
import type { Provider } from "./create-client.js";

/** One row of `director-llm models`. */
interface ModelRow {
  model: string;
  provider: Provider;
  context_window: number | undefined;
  max_output_tokens: number | undefined;
  reasoning: boolean | undefined;
  /** USD per million tokens, when the price is known. */
  input_price: number | undefined;
  output_price: number | undefined;
  /** `undefined` where the server's own model list decides (the presets' default models). */
  /** The environment variable that holds the provider's key. */
  key_env: string;
}

function rows(): ModelRow[] {
  return [
    ...Object.values(OPENAI_MODELS).map((model) => ({
      model: model.id,
      provider: "openai" as const,
      context_window: model.context_window,
      max_output_tokens: model.max_output_tokens,
      reasoning: model.reasoning,
      input_price: OPENAI_PRICES[model.id]?.input,
      output_price: OPENAI_PRICES[model.id]?.output,
      key_env: "OPENAI_API_KEY",
    })),
    ...Object.values(ANTHROPIC_MODELS).map((model) => ({
      model: model.id,
      provider: "anthropic" as const,
      context_window: model.context_window,
      max_output_tokens: model.max_output_tokens,
      reasoning: model.thinking,
      input_price: ANTHROPIC_PRICES[model.id].input,
      output_price: ANTHROPIC_PRICES[model.id].output,
      key_env: "ANTHROPIC_API_KEY",
    })),
    ...Object.values(GOOGLE_MODELS).map((model) => ({
      model: model.id,
      provider: "google" as const,
      context_window: model.context_window,
      max_output_tokens: model.max_output_tokens,
      reasoning: model.thinking !== false,
      input_price: GOOGLE_PRICES[model.id].input,
      output_price: GOOGLE_PRICES[model.id].output,
      key_env: "GOOGLEAI_API_KEY",
    })),
    // The OpenAI-compatible presets: their price table where they publish one, else their default model.
    ...Object.values(OPENAI_PRESETS).flatMap((preset: OpenAIPreset): ModelRow[] => {
      const key_env = preset.placeholder_key !== undefined ? "(none)" : presetEnvNames(preset).api_key![0]!;
      if (preset.models === undefined)
        return [
          {
            model: preset.chat_model,
            provider: preset.name,
            context_window: undefined,
            max_output_tokens: undefined,
            reasoning: undefined,
            input_price: undefined,
            output_price: undefined,
            key_env,
          },
        ];
      return Object.entries(preset.models).map(([model, row]) => ({
        model,
        provider: preset.name,
        context_window: row.context_window,
        max_output_tokens: row.max_output_tokens,
        reasoning: undefined,
        input_price: row.input,
        output_price: row.output,
        key_env,
      }));
    }),
  ];
}

/** The provider name rows use for a name `--provider` accepts (`googleai` and `gemini` are `google`). */
function rowProvider(provider: Provider): Provider {
  if (provider === "googleai" || provider === "gemini") return "google";
  if (provider === "videodb_proxy") return "videodb";
  if (provider === "google_openai") return "google-openai";
  return provider;
}

/**
 * `director-llm models`: the model table, one row per model, columns aligned; `provider` keeps
 * one provider's rows, `json` prints the rows as a JSON array instead.
 */
export function printModels(
  stdout: NodeJS.WritableStream,
  options: { provider?: Provider | undefined; json?: boolean } = {},
): number {
  const only = options.provider === undefined ? undefined : rowProvider(options.provider);
  const selected = rows().filter((row) => only === undefined || row.provider === only);
  if (options.json) {
    stdout.write(`${JSON.stringify(selected, null, 2)}\n`);
    return 0;
  }
  const number = (value: number) => value.toLocaleString("en-US");
  const cells = selected.map((row) => [
    row.model,
    row.context_window === undefined ? "" : number(row.context_window),
    row.max_output_tokens === undefined ? "" : number(row.max_output_tokens),
    row.reasoning ? "yes" : "",
    row.input_price === undefined ? "" : `$${row.input_price} / $${row.output_price}`,
    row.provider,
    row.key_env,
  ]);
  const header = [
    "model",
    "context window",
    "max output",
    "reasoning",
    "price per 1M in / out",
    "provider",
    "key",
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]!.length)),
  );
  for (const row of [header, ...cells]) {
    stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  }
  return 0;
}
