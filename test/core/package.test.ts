import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("the package as users load it", () => {
  it("require('director-llm') works (Node 20.19+ and 22.12+ require an ES module through the default condition)", () => {
    const output = execFileSync(
      process.execPath,
      [
        "-e",
        "const m = require('director-llm'); console.log(typeof m.OpenAI, typeof m.GoogleAI, typeof m.get_default_llm)",
      ],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    assert.equal(output.trim(), "function function function");
  });

  it("import('director-llm') works", () => {
    const output = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('director-llm'); console.log(typeof m.AnthropicAI)",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(output.trim(), "function");
  });
});
