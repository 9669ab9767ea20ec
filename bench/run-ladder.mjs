#!/usr/bin/env node
// The streaming ladder: what each layer of director-llm's streaming path costs, in client CPU per
// stream (16 at once), beside the undici Pool floor, on bench/server.mjs. Run twice: with 200
// chunks per stream (the benchmark's streams) and with 2 (almost only what a stream costs once,
// whatever its length: building the request, the attempt, the response). The server runs on CPU 1
// and each client process on CPU 0 (`taskset`, when installed), so the client's CPU is not shared
// with the server's; clients alternate, each repeated, medians. With the 2-chunk streams it also
// runs a cold-code probe: the floor's client plus 100 or 400 small functions run once per stream,
// against the same functions in a loop. Writes results-ladder.md.
//   node run-ladder.mjs [--repeats=5] [--streams=3000]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { hasTaskset, median, nodeCommand, startServer } from "./harness.mjs";
import { LADDER, LADDER_LAYERS, PROBES } from "./ladder-clients.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const option = (name, fallback) =>
  Number(process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const repeats = option("repeats", 5);
const streams = option("streams", 3000);
const pin = hasTaskset();
const CLIENTS = ["undici-pool", ...Object.keys(LADDER), "director-llm"];
/** Chunks per stream, and how many streams a run reads (short streams: more of them, same time). */
const SHAPES = [
  { chunks: 200, streams, clients: CLIENTS },
  { chunks: 2, streams: streams * 2, clients: [...CLIENTS, ...Object.keys(PROBES)] },
];

/** Runs every client `repeats` times (alternated) on a server sending `chunks` per stream. */
async function ladder({ chunks, streams: count, clients }) {
  const { child: server, port } = await startServer({ pin, env: { STREAM_CHUNKS: String(chunks) } });
  const runs = Object.fromEntries(clients.map((name) => [name, []]));
  try {
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const name of repeat % 2 === 0 ? clients : [...clients].reverse()) {
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
// The cold-code probe, on the 2-chunk runs: what 100 and 400 small functions cost once per stream
// beside the network path, against what they cost back to back in a loop (this process, warm).
const short = results.find((result) => result.chunks === 2).runs;
lines.push(
  "",
  "Cold-code probe (2-chunk streams): the floor's client running N small distinct functions once per stream, before it, against the same functions run back to back in a loop:",
  "",
  "| client | functions per stream | client CPU µs / stream | added to undici-pool, µs | the same functions in a loop, µs | added / in a loop |",
  "| --- | --- | --- | --- | --- | --- |",
);
for (const name of Object.keys(PROBES)) {
  const count = Number(name.split(":")[1]);
  const added = cpu(short, name) - cpu(short, "undici-pool");
  // In a process of its own, on the clients' CPU.
  const script = `import("./ladder-clients.mjs").then((m) => console.log(m.probeHotMicros(${count})))`;
  const hot = Number(
    execFileSync(...nodeCommand(["--input-type=module", "-e", script], { pin }), {
      cwd: here,
      encoding: "utf8",
    }),
  );
  lines.push(
    `| ${name} | ${count} | ${cpu(short, name).toFixed(0)} | ${added.toFixed(0)} | ${hot.toFixed(1)} | ${(added / hot).toFixed(1)}x |`,
  );
}
const table = lines.join("\n");
writeFileSync(join(here, "results-ladder.md"), `${table}\n`);
process.stdout.write(`${table}\n`);
