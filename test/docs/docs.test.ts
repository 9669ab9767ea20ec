import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Every document a user reads: the README, the topic pages, the benchmark's and the examples' READMEs. */
const DOCUMENTS = [
  "README.md",
  ...readdirSync(`${ROOT}docs`)
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
  "bench/README.md",
  "examples/README.md",
];

/** Every ```ts block of a document, in order. */
function examples(document: string): string[] {
  const text = readFileSync(`${ROOT}${document}`, "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a markdown file's headings (outside code fences). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (!fenced && heading) anchors.add(slug(heading[1]!));
  }
  return anchors;
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

/** Type-checks one module of code under `strict`; returns the problems found in it. */
function typeProblems(name: string, text: string): string[] {
  const file = `${ROOT}${name}`;
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
  host.readFile = (path) => (path === file ? text : readFile(path));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (path) => path === file || fileExists(path);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `TS${diagnostic.code} at "${text.split("\n")[line]?.trim()}": ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
    });
}

describe("the documentation", () => {
  for (const document of DOCUMENTS) {
    it(`${document}: every ts example type-checks under strict, against the library's own types`, () => {
      const blocks = examples(document);
      if (blocks.length === 0) return;
      assert.deepStrictEqual(
        typeProblems(`${document.replace(/[/.]/g, "-")}-examples.ts`, programText(blocks)),
        [],
      );
    });
  }

  it("the README has its examples", () => {
    assert.ok(examples("README.md").length >= 1);
  });

  it("every source or test file a document names exists", () => {
    const missing: string[] = [];
    for (const document of DOCUMENTS) {
      const text = readFileSync(`${ROOT}${document}`, "utf8");
      for (const [path] of text.matchAll(/\b(?:src|test|bench|examples|scripts)\/[\w./-]+\.(?:ts|mjs|md)\b/g))
        if (!existsSync(`${ROOT}${path}`)) missing.push(`${document}: ${path}`);
    }
    assert.deepStrictEqual(missing, []);
  });

  it("every relative link points at a file that exists, and every anchor at a heading in it", () => {
    const broken: string[] = [];
    for (const document of DOCUMENTS) {
      const text = readFileSync(`${ROOT}${document}`, "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const resolved = path === "" ? document : normalize(join(dirname(document), path));
        if (!existsSync(`${ROOT}${resolved}`)) {
          broken.push(`${document}: ${target} (no file ${resolved})`);
          continue;
        }
        if (anchor !== undefined && !anchorsOf(readFileSync(`${ROOT}${resolved}`, "utf8")).has(anchor))
          broken.push(`${document}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    assert.deepStrictEqual(broken, []);
  });
});
