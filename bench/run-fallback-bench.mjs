#!/usr/bin/env node
// What FallbackLLM costs when its first member answers: sequential calls through OpenAI directly
// and through FallbackLLM([that OpenAI, a second member]), alternated in one process, on the
// bench server (127.0.0.1), medians of per-round mean latencies. Writes results-fallback.md.
// Usage: node run-fallback-bench.mjs [--quick]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 11;
const CALLS = quick ? 1000 : 3000;

execFileSync("npm", ["run", "build", "--silent"], { cwd: join(here, ".."), stdio: "inherit" });
const { FallbackLLM, OpenAI } = await import("director-llm");
const { child: server, port } = await startServer();
const base = `http://127.0.0.1:${port}/v1`;
const options = { api_key: "sk-bench", api_base: base, chat_model: "gpt-4o-mini", telemetry: false };
const direct = new OpenAI(options);
const chain = new FallbackLLM([new OpenAI(options), new OpenAI({ ...options, chat_model: "gpt-4o" })]);
const messages = [{ role: "user", content: "Say something about benchmarks." }];

async function round(llm) {
  const started = performance.now();
  for (let index = 0; index < CALLS; index += 1) {
    const response = await llm.chat_completions(messages);
    if (response.error) throw response.error;
  }
  return ((performance.now() - started) / CALLS) * 1000;
}

const times = { direct: [], fallback: [] };
try {
  await round(direct);
  await round(chain);
  for (let index = 0; index < ROUNDS; index += 1) {
    const order = index % 2 === 0 ? ["direct", "fallback"] : ["fallback", "direct"];
    for (const name of order) times[name].push(await round(name === "direct" ? direct : chain));
  }
} finally {
  server.kill("SIGTERM");
}
const directUs = median(times.direct);
const fallbackUs = median(times.fallback);
const lines = [
  `FallbackLLM overhead, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`node run-fallback-bench.mjs${quick ? " --quick" : ""}\`: ${ROUNDS} alternated rounds of ${CALLS} sequential calls each, medians of the rounds' mean latency, on the bench server.`,
  "",
  "| client | µs per call | overhead, µs |",
  "| --- | --- | --- |",
  `| OpenAI directly | ${directUs.toFixed(1)} | 0 |`,
  `| FallbackLLM([OpenAI, OpenAI]), the first answering | ${fallbackUs.toFixed(1)} | ${(fallbackUs - directUs).toFixed(1)} |`,
];
writeFileSync(join(here, "results-fallback.md"), `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
