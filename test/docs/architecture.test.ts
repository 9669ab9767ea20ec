import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

/** The layers, lowest first; a folder imports only from its own layer's folder or lower ones. */
const LAYERS = [
  ["core"],
  ["transport"],
  ["budgets"],
  ["telemetry"],
  ["schema"],
  ["tools"],
  ["mcp"],
  ["llm"],
  ["openai", "anthropic", "google"],
  ["registry"],
  ["cli"],
];

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of every source file, as paths relative to `src/` (`core/messages.ts`). */
function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const from = relative(SRC, file);
    const targets = [...readFileSync(file, "utf8").matchAll(/from "(\.\.?\/[^"]+)\.js"/g)].map((match) =>
      normalize(join(dirname(from), `${match[1]}.ts`)),
    );
    graph.set(from, targets);
  }
  return graph;
}

describe("the house: layers in one direction", () => {
  it("every import points down the layers (core, transport, budgets, telemetry, schema, tools, llm, providers, registry, cli)", () => {
    const rank = new Map(
      LAYERS.flatMap((folders, index) => folders.map((folder) => [folder, index] as const)),
    );
    const wrong: string[] = [];
    for (const [from, targets] of imports()) {
      const folder = from.split("/")[0]!;
      for (const target of targets) {
        const to = target.split("/")[0]!;
        if (to === folder || !rank.has(folder) || !rank.has(to)) continue;
        if (rank.get(to)! >= rank.get(folder)!) wrong.push(`${from} imports ${target}`);
      }
    }
    assert.deepStrictEqual(wrong, []);
  });

  it("no file imports itself back through others (no cycles)", () => {
    const graph = imports();
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    assert.deepStrictEqual(cycles, []);
  });

  it("a provider never imports another provider", () => {
    const providers = new Set(["openai", "anthropic", "google"]);
    const wrong = [...imports()].flatMap(([from, targets]) =>
      targets
        .filter((target) => providers.has(from.split("/")[0]!) && providers.has(target.split("/")[0]!))
        .filter((target) => target.split("/")[0] !== from.split("/")[0])
        .map((target) => `${from} imports ${target}`),
    );
    assert.deepStrictEqual(wrong, []);
  });
});
