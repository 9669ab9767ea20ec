import { ANTHROPIC_MODELS } from "../anthropic/anthropic-chat-model.js";
import { ANTHROPIC_PRICES } from "../anthropic/anthropic-prices.js";
import { OPENAI_MODELS } from "../openai/openai-chat-model.js";
import { OPENAI_PRICES } from "../openai/openai-prices.js";

/** `director-llm models`: the model table, one row per model, columns aligned. */
export function printModels(stdout: NodeJS.WritableStream): number {
  const number = (value: number) => value.toLocaleString("en-US");
  const rows = [
    ...Object.values(OPENAI_MODELS).map((model) => {
      const price = OPENAI_PRICES[model.id];
      return [
        model.id,
        number(model.context_window),
        number(model.max_output_tokens),
        model.reasoning ? "yes" : "",
        price ? `$${price.input} / $${price.output}` : "",
        "openai",
      ];
    }),
    ...Object.values(ANTHROPIC_MODELS).map((model) => {
      const price = ANTHROPIC_PRICES[model.id];
      return [
        model.id,
        number(model.context_window),
        number(model.max_output_tokens),
        model.thinking ? "yes" : "",
        `$${price.input} / $${price.output}`,
        "anthropic",
      ];
    }),
  ];
  const header = ["model", "context window", "max output", "reasoning", "price per 1M in / out", "provider"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  for (const row of [header, ...rows]) {
    stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  }
  return 0;
}
