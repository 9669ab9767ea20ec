// The Claude scenarios: AnthropicAI beside raw undici, the official @anthropic-ai/sdk and the AI
// SDK's Anthropic provider, on the bench server's Anthropic-shaped endpoint (127.0.0.1), each run
// in a process of its own, alternated, medians of the repeats. Writes results-anthropic.md.
// Usage: node run-anthropic-bench.mjs [--quick]
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const N = quick ? { conc: 2000, streams: 100, repeats: 2 } : { conc: 10000, streams: 300, repeats: 3 };
const CLIENTS = ["claude:undici", "claude:director-llm", "claude:anthropic-sdk", "claude:ai-sdk"];

execFileSync("npm", ["run", "build", "--silent"], { cwd: join(here, ".."), stdio: "inherit" });
const server = spawn(process.execPath, [join(here, "server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) =>
  server.stdout.once("data", (data) => resolve(JSON.parse(data).port)),
);
const base = `http://127.0.0.1:${port}/anthropic/v1`;

function worker(args) {
  const output = execFileSync(process.execPath, [join(here, "worker.mjs"), ...args.map(String)], {
    encoding: "utf8",
    timeout: 300_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1));
}

const runs = {};
for (let repeat = 0; repeat < N.repeats; repeat += 1) {
  for (const name of repeat % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
    process.stderr.write(`repeat ${repeat + 1}: ${name}\n`);
    runs[name] ??= { rps: [], chunks: [], ttfc: [] };
    const conc = worker(["conc", name, base, N.conc, 64]);
    if (conc.failed > 0) throw new Error(`${name}: ${conc.failed} calls failed`);
    const stream = worker(["stream", name, base, N.streams, 16]);
    runs[name].rps.push(conc.rps);
    runs[name].chunks.push(stream.chunks_per_s);
    runs[name].ttfc.push(stream.ttfc_ms);
  }
}
server.kill("SIGTERM");

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = { rps: median(runs["claude:undici"].rps), chunks: median(runs["claude:undici"].chunks) };
const lines = [
  `Claude scenarios, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${N.repeats} repeats alternated, medians: ${N.conc} calls at concurrency 64, ${N.streams} streams of 200 text deltas at concurrency 16, on the bench server's Anthropic-shaped endpoint.`,
  "",
  "| client | requests/s (c=64) | vs raw undici | chunks/s (streams) | vs raw undici | first chunk, ms |",
  "| --- | --- | --- | --- | --- | --- |",
];
for (const name of CLIENTS) {
  const rps = median(runs[name].rps);
  const chunks = median(runs[name].chunks);
  lines.push(
    `| ${name.slice(7)} | ${Math.round(rps)} | ${(rps / floor.rps).toFixed(2)}x | ${Math.round(chunks)} | ${(chunks / floor.chunks).toFixed(2)}x | ${median(runs[name].ttfc).toFixed(2)} |`,
  );
}
writeFileSync(join(here, "results-anthropic.md"), `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
