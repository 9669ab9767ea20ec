#!/usr/bin/env node
import { fstatSync, readFileSync } from "node:fs";
import { runCli } from "./run-cli.js";

// stdout failing: a reader that went away from a listing (`director-llm models | head -1`) is not
// an error; an answer that could not be written (a closed pipe, a full disk) is, said in one line.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE" && process.argv[2] !== "chat") process.exit(0);
  const why = error.code === "EPIPE" ? "stdout was closed" : `${error.code ?? "error"}: ${error.message}`;
  process.stderr.write(`director-llm: the answer could not be written to stdout (${why})\n`);
  process.exit(1);
});

/** Piped text (`cat doc.txt | director-llm chat ...`) or a file (`< doc.txt`), never a terminal or socket. */
function stdinHasData(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile();
  } catch {
    return false;
  }
}

const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdinHasData: stdinHasData(),
  stdout: process.stdout,
  stderr: process.stderr,
  version: manifest.version,
});
