#!/usr/bin/env node
// How much distinct code a stream runs: each client reads 1,000 then 3,000 streams of 2 chunks under
// V8's precise coverage (coverage-worker.mjs), and the functions whose call count grows by at
// least one per extra stream are the stream's own. Counted by where they live (the client's code,
// undici, Node, ...). Writes results-coverage.md.   node run-coverage.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hasTaskset, nodeCommand, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const CLIENTS = ["undici-pool", "director-llm"];
const COUNTS = [1000, 3000];
const pin = hasTaskset();

/** Where a script's code lives, for the table. */
function placeOf(url) {
  if (url.includes("/dist/src/")) return "director-llm";
  for (const name of ["undici", "@opentelemetry/api", "eventsource-parser"])
    if (url.includes(`/node_modules/${name}/`)) return name;
  if (url.startsWith("node:")) return "Node";
  if (url.includes("/bench/")) return "bench client";
  return "other";
}

/** Call counts by function (script, name and offset) in one coverage file. */
function callCounts(file) {
  const counts = new Map();
  for (const script of JSON.parse(readFileSync(file, "utf8")))
    for (const fn of script.functions)
      counts.set(`${script.url}\n${fn.functionName}\n${fn.ranges[0].startOffset}`, fn.ranges[0].count);
  return counts;
}

execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const { child: server, port } = await startServer({ pin, env: { STREAM_CHUNKS: "2" } });
const dir = mkdtempSync(join(tmpdir(), "director-llm-coverage-"));
const rows = [];
try {
  for (const name of CLIENTS) {
    const files = COUNTS.map((count) => {
      const file = join(dir, `${name}-${count}.json`);
      const args = [
        join(here, "coverage-worker.mjs"),
        "stream",
        name,
        `http://127.0.0.1:${port}/v1`,
        count,
        16,
      ];
      execFileSync(...nodeCommand(args, { pin }), {
        env: { ...process.env, COVERAGE_OUT: file },
        stdio: "ignore",
      });
      return file;
    });
    const [fewer, more] = files.map(callCounts);
    const extra = COUNTS[1] - COUNTS[0];
    const places = new Map();
    for (const [key, count] of more) {
      const perStream = (count - (fewer.get(key) ?? 0)) / extra;
      if (perStream < 0.95) continue;
      const place = placeOf(key.split("\n")[0]);
      const entry = places.get(place) ?? { distinct: 0, calls: 0 };
      entry.distinct += 1;
      entry.calls += perStream;
      places.set(place, entry);
    }
    rows.push({ name, places });
  }
} finally {
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}

const lines = [
  `Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`cd bench && node run-coverage.mjs\`: functions run at least once per stream (2-chunk streams, 16 at once; the growth of each function's call count from ${COUNTS[0]} to ${COUNTS[1]} streams, V8 precise coverage).`,
  "",
  "| client | where | distinct functions per stream | calls per stream |",
  "| --- | --- | --- | --- |",
];
for (const { name, places } of rows) {
  const total = [...places.values()].reduce(
    (sum, entry) => ({ distinct: sum.distinct + entry.distinct, calls: sum.calls + entry.calls }),
    { distinct: 0, calls: 0 },
  );
  lines.push(`| ${name} | all | ${total.distinct} | ${total.calls.toFixed(0)} |`);
  for (const [place, entry] of [...places].sort((a, b) => b[1].distinct - a[1].distinct))
    lines.push(`| ${name} | ${place} | ${entry.distinct} | ${entry.calls.toFixed(0)} |`);
}
const table = lines.join("\n");
writeFileSync(join(here, "results-coverage.md"), `${table}\n`);
process.stdout.write(`${table}\n`);
