import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const README = readFileSync(`${ROOT}README.md`, "utf8");

/** Every ```ts block of the README, in order. */
function examples(): string[] {
  return [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/**
 * One module of every example, as a user compiles them with `strict`: imports hoisted, each block
 * in a function of its own, and what the prose leaves to the reader (`messages`, `signal`, a
 * `run` for tool calls) declared.
 */
function programText(blocks: string[]): string {
  const imports: string[] = [];
  const bodies = blocks.map((block, index) => {
    const lines = block.split("\n");
    imports.push(...lines.filter((line) => line.startsWith("import ")));
    const body = lines.filter((line) => !line.startsWith("import ")).join("\n");
    return `export async function example${index + 1}() {\n${body}\n}`;
  });
  // The examples import what they use each; one module imports each name once.
  const named = new Map<string, Set<string>>();
  const other = new Set<string>();
  for (const line of imports) {
    const match = /^import \{([^}]*)\} from "([^"]+)";/.exec(line);
    if (!match) {
      other.add(line);
      continue;
    }
    const names = named.get(match[2]!) ?? new Set<string>();
    for (const name of match[1]!.split(",")) if (name.trim() !== "") names.add(name.trim());
    named.set(match[2]!, names);
  }
  return [
    ...other,
    ...[...named].map(([module, names]) => `import { ${[...names].join(", ")} } from "${module}";`),
    `import type { ChatMessage, ToolCall, ToolDefinition } from "director-llm";`,
    `import { OpenAI as ReadmeOpenAI } from "director-llm";`,
    "declare const llm: ReadmeOpenAI;",
    "declare const messages: ChatMessage[];",
    "declare const tools: ToolDefinition[];",
    "declare const signal: AbortSignal;",
    "declare function run(call: ToolCall): void;",
    ...bodies,
  ].join("\n");
}

describe("README examples", () => {
  it("type-check under strict, against the library's own types", () => {
    const blocks = examples();
    assert.ok(blocks.length >= 4, `found ${blocks.length} examples`);
    const file = `${ROOT}readme-examples.ts`;
    const text = programText(blocks);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
      skipLibCheck: true,
      baseUrl: ROOT,
      paths: { "director-llm": ["src/index.ts"] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (name === file ? text : readFile(name));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    const program = ts.createProgram([file], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file?.fileName === file)
      .map((diagnostic) => {
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `TS${diagnostic.code} at "${text.split("\n")[line]?.trim()}": ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
      });
    assert.deepStrictEqual(problems, []);
  });
});
