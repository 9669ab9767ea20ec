#!/usr/bin/env node
// Runs the test suite: starts Prism on the official OpenAI spec (127.0.0.1, a free port), runs
// every compiled test file with node's test runner, and stops Prism whatever happens.
import { spawn } from "node:child_process";
import { readdirSync, realpathSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const spec = resolve(root, "../shared/openai-openapi/openapi.chat.prism.yaml");
const filter = process.argv.slice(2);

function testFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith(".test.js") ? [path] : [];
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilReady(url, child, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`prism exited with code ${child.exitCode}`);
    try {
      await fetch(`${url}/models`, { headers: { authorization: "Bearer ready-check" } });
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  throw new Error(`prism was not ready after ${timeoutMs} ms`);
}

const port = await freePort();
const prismUrl = `http://127.0.0.1:${port}`;
const prismBin = realpathSync(resolve(root, "node_modules/.bin/prism"));
const prism = spawn(
  process.execPath,
  [prismBin, "mock", spec, "-h", "127.0.0.1", "-p", String(port), "-v", "warn"],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const stopPrism = () => {
  if (prism.exitCode === null) prism.kill("SIGTERM");
};
process.on("exit", stopPrism);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

let code = 1;
try {
  await waitUntilReady(prismUrl, prism, 60_000);
  let files = testFiles(resolve(root, "dist/test")).sort();
  if (filter.length > 0) files = files.filter((file) => filter.some((part) => file.includes(part)));
  const runner = spawn(process.execPath, ["--test", "--test-reporter=spec", ...files], {
    stdio: "inherit",
    env: { ...process.env, PRISM_URL: prismUrl },
  });
  code = await new Promise((done) => runner.on("exit", (exitCode) => done(exitCode ?? 1)));
} catch (error) {
  console.error(`run-tests: ${error.message}`);
} finally {
  stopPrism();
}
process.exit(code);
