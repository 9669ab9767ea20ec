#!/usr/bin/env node
// The fleet under Redis faults, beside the healthy fleet: 4 processes on one key on the bench's
// rate-limited server (20 requests/s, burst 20), with Redis killed and restarted, flushed, or
// asked by 1,000 waiting calls at once. Reports completed calls, wall time against the best
// possible, the 429s the server sent and the budget-script calls Redis served per request.
// `npm run bench:faults` (about 4 minutes on 2 cores); writes results-faults.md and .json.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { fleetRun } from "./fleet-run.mjs";
import { median, startRedis, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const REPEATS = Number(process.argv.find((flag) => flag.startsWith("--repeats="))?.slice(10) ?? 2);
/** `--only=TEXT`: the rows whose name contains TEXT (while investigating one fault). */
const only = process.argv.find((flag) => flag.startsWith("--only="))?.slice(7);
const log = (text) => process.stderr.write(`${text}\n`);
log("director-llm fleet fault bench: building the library");
execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const { child, port } = await startServer();
const redis = await startRedis();
if (redis === undefined) throw new Error("the fault bench needs redis-server on the PATH");
const flush = () =>
  execFileSync("redis-cli", ["-p", new URL(redis.url).port, "flushall"], { stdio: "ignore" });

/** Each row: a name, the fleet's shape and what happens to Redis while it runs. */
const ROWS = [
  { name: "no Redis (each process alone)", count: 300, concurrency: 128, redis: false },
  { name: "Redis, healthy", count: 300, concurrency: 128 },
  {
    name: "Redis killed at 3 s, restarted at 5 s",
    count: 300,
    concurrency: 128,
    countCalls: false,
    faults: [
      { atMs: 3000, apply: () => redis.kill() },
      { atMs: 5000, apply: () => void redis.start() },
    ],
  },
  {
    name: "Redis FLUSHALL at 3 s and 6 s",
    count: 300,
    concurrency: 128,
    faults: [3000, 6000].map((atMs) => ({ atMs, apply: flush })),
  },
  { name: "Redis, healthy, 1,000 calls waiting at once", count: 1000, concurrency: 1000 },
];

const rows = ROWS.filter((row) => only === undefined || row.name.includes(only));
const runs = {};
try {
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    for (const row of repeat % 2 === 0 ? rows : [...rows].reverse()) {
      if (redis.child === undefined) await redis.start();
      log(`  repeat ${repeat + 1}: ${row.name}`);
      const result = await fleetRun({
        port,
        name: "director-llm",
        processes: 4,
        count: row.count,
        concurrency: row.concurrency,
        redis: row.redis === false ? undefined : redis,
        faults: row.faults ?? [],
        countCalls: row.countCalls ?? true,
      });
      log(
        `    ${result.completed} completed in ${result.wall_s.toFixed(2)} s, ${result.got_429} 429s, ${result.redis_calls_per_request?.toFixed(2) ?? "-"} script calls per request`,
      );
      runs[row.name] = [...(runs[row.name] ?? []), result];
    }
  }
} finally {
  child.kill("SIGTERM");
  redis.kill();
}

const m = (name, field) => {
  const values = (runs[name] ?? []).map((run) => run[field]).filter((value) => value !== undefined);
  return values.length === 0 ? undefined : median(values);
};
const fmt = (value, digits = 0) =>
  value === undefined
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines = [
  `Run: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, \`cd bench && npm ci && npm run bench:faults\`, ${REPEATS} repeats per row (alternated), medians.`,
  "",
  "Fleet under Redis faults: 4 processes on one key, the rate-limited server (20 requests/s, burst 20). Best possible: (requests - 20) / 20 s.",
  "",
  "| scenario | concurrency | completed | wall time, s | vs best | 429s received | Redis script calls per request |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];
for (const row of rows) {
  const wall = m(row.name, "wall_s");
  const best = (row.count - 20) / 20;
  lines.push(
    `| ${row.name} | ${row.concurrency} | ${fmt(m(row.name, "completed"))} / ${row.count} | ${fmt(wall, 1)} | ${wall === undefined ? "-" : `${(wall / best).toFixed(2)}x`} | ${fmt(m(row.name, "got_429"))} | ${fmt(m(row.name, "redis_calls_per_request"), 2)} |`,
  );
}
const table = lines.join("\n");
if (only === undefined) {
  writeFileSync(join(here, "results-faults.md"), `${table}\n`);
  writeFileSync(join(here, "results-faults.json"), `${JSON.stringify({ runs }, null, 1)}\n`);
}
process.stdout.write(`${table}\n`);
