import { OPENAI_MODELS } from "../openai/openai-chat-model.js";
import { OPENAI_PRICES } from "../openai/openai-prices.js";

/** `director-llm models`: the model table, one row per model, columns aligned. */
export function printModels(stdout: NodeJS.WritableStream): number {
  const rows = Object.values(OPENAI_MODELS).map((model) => {
    const price = OPENAI_PRICES[model.id];
    return [
      model.id,
      model.context_window.toLocaleString("en-US"),
      model.max_output_tokens.toLocaleString("en-US"),
      model.reasoning ? "yes" : "",
      price ? `$${price.input} / $${price.output}` : "",
    ];
  });
  const header = ["model", "context window", "max output", "reasoning", "price per 1M in / out"];
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
