// A fleet of worker processes on one key, shared by the main benchmark and the fault benchmark.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;

/** One worker process, asynchronously (fleet runs start several at once). */
export function workerAsync(args, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(here, "worker.mjs"), ...args.map(String)], {
      // BENCH_WORKER_STDERR=1 shows the workers' warnings (investigating a row).
      stdio: ["ignore", "pipe", process.env.BENCH_WORKER_STDERR ? "inherit" : "ignore"],
      env,
    });
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("exit", () => {
      clearTimeout(timer);
      try {
        resolveRun(JSON.parse(output.trim().split("\n").at(-1)));
      } catch {
        reject(new Error(`fleet worker printed no result: ${output}`));
      }
    });
  });
}

/** The budget script calls a Redis has served (EVALSHA and EVAL), from INFO commandstats. */
export function redisScriptCalls(redis) {
  const port = new URL(redis.url).port;
  const stats = execFileSync("redis-cli", ["-p", port, "info", "commandstats"], { encoding: "utf8" });
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

let serial = 0;
/**
 * `processes` processes of one client on one key share `count` requests at total `concurrency` on
 * the bench server's rate-limited endpoint. `faults`: `{ atMs, apply }` run that long after the
 * start. With `redis`, every process shares its budget there and the script calls are counted
 * (unless `countCalls` is false: a restarted Redis forgets its counts).
 */
export async function fleetRun({
  port,
  name,
  processes,
  count,
  concurrency = 32,
  redis,
  faults = [],
  countCalls = true,
}) {
  serial += 1;
  const key = `sk-fleet-${name}-${processes}-${redis ? "redis" : "local"}-${process.pid}-${serial}`;
  const env = { ...process.env };
  delete env.DIRECTOR_LLM_REDIS_URL;
  if (redis) env.DIRECTOR_LLM_REDIS_URL = redis.url;
  const callsBefore = redis && countCalls ? redisScriptCalls(redis) : 0;
  const runsOfFleet = Array.from({ length: processes }, (_, index) => {
    const share = Math.floor(count / processes) + (index < count % processes ? 1 : 0);
    return workerAsync(
      [
        "ratelimit",
        name,
        `http://127.0.0.1:${port}/rl/v1`,
        share,
        Math.max(1, Math.round(concurrency / processes)),
        key,
      ],
      env,
    );
  });
  const timers = faults.map((fault) => setTimeout(fault.apply, fault.atMs));
  const results = await Promise.all(runsOfFleet);
  for (const timer of timers) clearTimeout(timer);
  let scriptCalls;
  try {
    if (redis && countCalls) scriptCalls = redisScriptCalls(redis) - callsBefore;
  } catch {}
  return {
    completed: results.reduce((sum, result) => sum + result.completed, 0),
    // From the first process's first request to the last one's end: process start-up is not pacing.
    wall_s:
      (Math.max(...results.map((result) => result.ended_at)) -
        Math.min(...results.map((result) => result.started_at))) /
      1000,
    got_429: Math.max(...results.map((result) => result.got_429)),
    // The last process to finish saw the whole key's history.
    ok_per_second: results.reduce((a, b) => (b.ended_at > a.ended_at ? b : a)).ok_per_second,
    limited_per_second: results.reduce((a, b) => (b.ended_at > a.ended_at ? b : a)).limited_per_second,
    to_first_request_ms:
      Math.max(...results.map((result) => result.server_first_at)) -
      Math.min(...results.map((result) => result.started_at)),
    server_span_ms:
      Math.max(...results.map((result) => result.server_last_ok_at)) -
      Math.max(...results.map((result) => result.server_first_at)),
    start_spread_ms:
      Math.max(...results.map((result) => result.started_at)) -
      Math.min(...results.map((result) => result.started_at)),
    ...(scriptCalls === undefined ? {} : { redis_calls_per_request: scriptCalls / count }),
  };
}
