#!/usr/bin/env node
// The streaming ladder: what each layer of director-llm's streaming path costs, in client CPU per
// stream (200 chunks, 16 at once), beside the undici Pool floor, on bench/server.mjs. The server
// runs on CPU 1 and each client process on CPU 0 (`taskset`, when installed), so the client's CPU
// is not shared with the server's; clients alternate, each repeated, medians. Writes
// results-ladder.md.  `node run-ladder.mjs [--repeats=5] [--streams=3000]`
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { hasTaskset, median, nodeCommand, startServer } from "./harness.mjs";
import { LADDER, LADDER_LAYERS } from "./ladder-clients.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const option = (name, fallback) =>
  Number(process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const repeats = option("repeats", 5);
const streams = option("streams", 3000);
const pin = hasTaskset();
const CLIENTS = ["undici-pool", ...Object.keys(LADDER), "director-llm"];

execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const { child: server, port } = await startServer({ pin });
const runs = Object.fromEntries(CLIENTS.map((name) => [name, []]));
try {
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    for (const name of repeat % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
      process.stderr.write(`  repeat ${repeat + 1}: ${name}\n`);
      const args = [join(here, "worker.mjs"), "stream", name, `http://127.0.0.1:${port}/v1`, streams, 16];
      const output = execFileSync(...nodeCommand(args, { pin }), { encoding: "utf8", timeout: 300_000 });
      runs[name].push(JSON.parse(output.trim().split("\n").at(-1)));
    }
  }
} finally {
  server.kill("SIGTERM");
}
const cpu = (name) => median(runs[name].map((run) => run.cpu_ms_per_1000));
const rate = (name) => median(runs[name].map((run) => run.chunks_per_s));
const lines = [
  `Run: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, \`cd bench && node run-ladder.mjs\`, ${streams} streams of 200 chunks at concurrency 16 per run, ${repeats} runs per client (alternated), medians; ${pin ? "server on CPU 1, clients on CPU 0" : "not pinned (no taskset)"}.`,
  "",
  "| client | what it adds | client CPU µs / stream | added, µs | chunks/s | vs undici-pool |",
  "| --- | --- | --- | --- | --- | --- |",
];
let previous;
for (const name of CLIENTS) {
  const added = previous === undefined ? "-" : (cpu(name) - cpu(previous)).toFixed(0);
  lines.push(
    `| ${name} | ${LADDER_LAYERS[name] ?? "the floor: undici Pool, pool.request, one callback per SSE event"} | ${cpu(name).toFixed(0)} | ${added} | ${Math.round(rate(name)).toLocaleString("en-US")} | ${(rate(name) / rate("undici-pool")).toFixed(2)}x |`,
  );
  previous = name;
}
const table = lines.join("\n");
writeFileSync(join(here, "results-ladder.md"), `${table}\n`);
process.stdout.write(`${table}\n`);
