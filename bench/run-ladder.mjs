#!/usr/bin/env node
// The streaming ladder: what each layer of director-llm's streaming path costs, in client CPU per
// stream (16 at once), beside the undici Pool floor, on bench/server.mjs. Run twice: with 200
// chunks per stream (the benchmark's streams) and with 2 (almost only what a stream costs once,
// whatever its length: building the request, the attempt, the response). The server runs on CPU 1
// and each client process on CPU 0 (`taskset`, when installed), so the client's CPU is not shared
// with the server's; clients alternate, each repeated, medians. Writes results-ladder.md.
//   node run-ladder.mjs [--repeats=5] [--streams=3000]
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
/** Chunks per stream, and how many streams a run reads (short streams: more of them, same time). */
const SHAPES = [
  { chunks: 200, streams },
  { chunks: 2, streams: streams * 2 },
];

/** Runs every client `repeats` times (alternated) on a server sending `chunks` per stream. */
async function ladder({ chunks, streams: count }) {
  const { child: server, port } = await startServer({ pin, env: { STREAM_CHUNKS: String(chunks) } });
  const runs = Object.fromEntries(CLIENTS.map((name) => [name, []]));
  try {
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const name of repeat % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
        process.stderr.write(`  ${chunks} chunks, repeat ${repeat + 1}: ${name}\n`);
        const args = [join(here, "worker.mjs"), "stream", name, `http://127.0.0.1:${port}/v1`, count, 16];
        const output = execFileSync(...nodeCommand(args, { pin }), { encoding: "utf8", timeout: 300_000 });
        runs[name].push(JSON.parse(output.trim().split("\n").at(-1)));
      }
    }
  } finally {
    server.kill("SIGTERM");
  }
  return runs;
}

execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const results = [];
for (const shape of SHAPES) results.push({ ...shape, runs: await ladder(shape) });

const cpu = (runs, name) => median(runs[name].map((run) => run.cpu_ms_per_1000));
const rate = (runs, name) => median(runs[name].map((run) => run.chunks_per_s));
const lines = [
  `Run: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, \`cd bench && node run-ladder.mjs\`, streams read 16 at once, ${repeats} runs per client (alternated), medians; ${pin ? "server on CPU 1, clients on CPU 0" : "not pinned (no taskset)"}.`,
];
for (const { chunks, streams: count, runs } of results) {
  lines.push(
    "",
    `${count} streams of ${chunks} chunks per run:`,
    "",
    "| client | what it adds | client CPU µs / stream | added, µs | chunks/s | vs undici-pool |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  let previous;
  for (const name of CLIENTS) {
    const added = previous === undefined ? "-" : (cpu(runs, name) - cpu(runs, previous)).toFixed(0);
    lines.push(
      `| ${name} | ${LADDER_LAYERS[name] ?? "the floor: undici Pool, pool.request, one callback per SSE event"} | ${cpu(runs, name).toFixed(0)} | ${added} | ${Math.round(rate(runs, name)).toLocaleString("en-US")} | ${(rate(runs, name) / rate(runs, "undici-pool")).toFixed(2)}x |`,
    );
    previous = name;
  }
}
const table = lines.join("\n");
writeFileSync(join(here, "results-ladder.md"), `${table}\n`);
process.stdout.write(`${table}\n`);
