#!/usr/bin/env node
// Side-by-side benchmark: director-llm against the openai SDK, the Vercel AI SDK, LangChain.js,
// raw undici and fetch, on one loopback server in its own process, in the same run. Each
// measurement runs in a fresh process; clients are alternated and each is repeated; the table
// reports medians and ratios to undici's fastest path (a Pool) from this run.  `npm run bench`
// (full) or `npm run bench -- --quick` (under 2 minutes); `--pin` pins the server and the measured
// clients to CPUs of their own. Writes results.md and results.json (or results-pinned.*).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { COLD_START } from "./clients.mjs";
import { fleetRun as runFleetOf } from "./fleet-run.mjs";
import { hasTaskset, median, nodeCommand, startRedis, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const fleetOnly = process.argv.includes("--fleet-only");
const skipFleet = process.argv.includes("--no-fleet");
const skipFootprint = process.argv.includes("--no-footprint") || fleetOnly;
const N = quick
  ? { seq: 300, conc: 3000, streams: 300, rl: 100, repeats: 2, cold: 10 }
  : { seq: 5000, conc: 20000, streams: 3000, rl: 300, repeats: 2, cold: 10 };
const onlyArgument = process.argv.find((argument) => argument.startsWith("--only="));
const only = onlyArgument ? onlyArgument.slice(7).split(",") : undefined;
const pick = (names) => (only ? names.filter((name) => only.includes(name)) : names);
const CLIENTS = pick([
  "undici-pool",
  "undici",
  "director-llm",
  "director-llm (for await)",
  "openai",
  "ai-sdk",
  "langchain",
  "fetch",
]);
const STREAMING = CLIENTS.filter((name) => name !== "fetch");
/** The same client as `director-llm` except in how it reads a stream: measured only streaming. */
const STREAM_ONLY = new Set(["director-llm (for await)"]);
/**
 * `--pin`: the server on CPU 1 and each measured client process on CPU 0 (`taskset`), so neither
 * competes with the other for a core; results go to results-pinned.md. Fleet and cold-start
 * runs are never pinned.
 */
const pin = process.argv.includes("--pin");
if (pin && !hasTaskset()) throw new Error("--pin needs taskset (util-linux) on the PATH");
const PEERS = pick(["director-llm", "openai", "ai-sdk", "langchain"]);

function worker(args) {
  const output = execFileSync(...nodeCommand([join(here, "worker.mjs"), ...args.map(String)], { pin }), {
    encoding: "utf8",
    timeout: 600_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1));
}

/** P processes of one client on one key share N.rl requests at concurrency 32 on the rate-limited server. */
function fleetRun(name, processes, options = {}) {
  const faults =
    options.killRedisAfterMs === undefined
      ? []
      : [{ atMs: options.killRedisAfterMs, apply: () => options.redis.kill() }];
  return runFleetOf({ port, name, processes, count: N.rl, redis: options.redis, faults });
}

function coldStart(name) {
  const times = [];
  for (let run = 0; run < N.cold; run += 1) {
    const started = performance.now();
    execFileSync(process.execPath, ["--input-type=module", "-e", COLD_START[name]], { cwd: here });
    times.push(performance.now() - started);
  }
  const baseline = [];
  for (let run = 0; run < N.cold; run += 1) {
    const started = performance.now();
    execFileSync(process.execPath, ["--input-type=module", "-e", "0"], { cwd: here });
    baseline.push(performance.now() - started);
  }
  return { total_ms: median(times), over_bare_node_ms: median(times) - median(baseline) };
}

function footprint(spec) {
  const directory = mkdtempSync(join(tmpdir(), "footprint-"));
  try {
    execFileSync("npm", ["init", "-y"], { cwd: directory, stdio: "ignore" });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--omit=dev", ...spec], {
      cwd: directory,
      stdio: "ignore",
    });
    const modules = join(directory, "node_modules");
    const packages =
      execFileSync("npm", ["ls", "--all", "--parseable"], { cwd: directory, encoding: "utf8" })
        .trim()
        .split("\n").length - 1;
    const bytes = Number(execFileSync("du", ["-sb", modules], { encoding: "utf8" }).split("\t")[0]);
    return { packages, mb: bytes / 1024 / 1024 };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const log = (text) => process.stderr.write(`${text}\n`);
log(`director-llm bench (${quick ? "quick" : "full"}): building the library`);
execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const { child, port } = await startServer({ pin });
const base = `http://127.0.0.1:${port}/v1`;
const runs = { seq: {}, conc: {}, stream: {}, ratelimit: {}, fleet: {} };
const redis = await startRedis();
const sizesArgument = process.argv.find((argument) => argument.startsWith("--fleet-sizes="));
const FLEET_SIZES = sizesArgument ? sizesArgument.slice(14).split(",").map(Number) : [1, 4, 8];
const FLEET_CLIENTS = pick(["director-llm", "director-llm + Redis", "openai", "langchain"]).filter(
  (name) => redis !== undefined || name !== "director-llm + Redis",
);
function record(scenario, name, result) {
  runs[scenario][name] = [...(runs[scenario][name] ?? []), result];
}
try {
  for (let repeat = 0; repeat < N.repeats && !fleetOnly; repeat += 1) {
    const order = repeat % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
    for (const name of order) {
      log(
        `  repeat ${repeat + 1}: ${name} ${STREAM_ONLY.has(name) ? "" : "sequential, concurrent"}${STREAMING.includes(name) ? ", streaming" : ""}`,
      );
      if (!STREAM_ONLY.has(name)) {
        record("seq", name, worker(["seq", name, base, N.seq, 1]));
        record("conc", name, worker(["conc", name, base, N.conc, 64]));
      }
      if (STREAMING.includes(name)) record("stream", name, worker(["stream", name, base, N.streams, 16]));
    }
    for (const name of repeat % 2 === 0 ? PEERS : [...PEERS].reverse()) {
      log(`  repeat ${repeat + 1}: ${name} rate-limited`);
      record(
        "ratelimit",
        name,
        worker(["ratelimit", name, `http://127.0.0.1:${port}/rl/v1`, N.rl, 32, `sk-rl-${name}-${repeat}`]),
      );
    }
    if (redis !== undefined && CLIENTS.includes("director-llm")) {
      log(`  repeat ${repeat + 1}: director-llm sequential with redis_url set`);
      const env = { ...process.env, DIRECTOR_LLM_REDIS_URL: redis.url };
      const output = execFileSync(
        process.execPath,
        [join(here, "worker.mjs"), "seq", "director-llm", base, N.seq, 1],
        {
          encoding: "utf8",
          env,
        },
      );
      record("seq", "director-llm + Redis", JSON.parse(output.trim().split("\n").at(-1)));
    }
  }
  for (let repeat = 0; repeat < N.repeats && !skipFleet; repeat += 1) {
    for (const processes of FLEET_SIZES) {
      const order = repeat % 2 === 0 ? FLEET_CLIENTS : [...FLEET_CLIENTS].reverse();
      for (const name of order) {
        log(`  repeat ${repeat + 1}: fleet of ${processes}, ${name}`);
        const client = name === "director-llm + Redis" ? "director-llm" : name;
        const result = await fleetRun(client, processes, name === "director-llm + Redis" ? { redis } : {});
        record("fleet", `${name} x${processes}`, result);
        log(
          `    ${result.completed} completed in ${result.wall_s.toFixed(2)} s, ${result.got_429} 429s, starts spread over ${result.start_spread_ms} ms, first request after ${result.to_first_request_ms} ms, server span ${result.server_span_ms} ms, accepted per second ${result.ok_per_second?.join(" ")}`,
        );
      }
    }
    if (redis !== undefined && FLEET_CLIENTS.includes("director-llm + Redis")) {
      log(`  repeat ${repeat + 1}: fleet of 4, director-llm + Redis, Redis killed after 4 s`);
      const result = await fleetRun("director-llm", 4, { redis, killRedisAfterMs: 4000 });
      record("fleet", "director-llm + Redis killed at 4 s x4", result);
      await redis.start();
    }
  }
} finally {
  child.kill("SIGTERM");
  redis?.kill();
}
const cold = {};
for (const name of fleetOnly ? [] : PEERS) {
  log(`  cold start: ${name}`);
  cold[name] = coldStart(name);
}
const installs = {};
if (!skipFootprint) {
  log("  footprint: packing director-llm");
  const tarball = execFileSync("npm", ["pack", "--pack-destination", tmpdir()], {
    cwd: resolve(here, ".."),
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .at(-1);
  const packed = join(tmpdir(), tarball);
  const specs = {
    "director-llm": [packed],
    "director-llm + gpt-tokenizer": [packed, "gpt-tokenizer@3.4.0"],
    openai: ["openai@6.49.0"],
    "ai-sdk": ["ai@6.0.325", "@ai-sdk/openai@3.0.141"],
    langchain: ["@langchain/openai@1.5.8", "@langchain/core@1.4.0"],
  };
  for (const [name, spec] of Object.entries(specs)) {
    log(`  footprint: ${name}`);
    installs[name] = footprint(spec);
  }
  rmSync(packed, { force: true });
}

const m = (name, scenario, field) => median((runs[scenario][name] ?? []).map((run) => run[field]));
const fmt = (value, digits = 0) =>
  value === undefined
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (value, floor) =>
  value === undefined || floor === undefined ? "-" : `${(value / floor).toFixed(2)}x`;
// The floor is undici's fastest path (a Pool per origin); the Agent + request() client is a second reference row.
const FLOOR = CLIENTS.includes("undici-pool") ? "undici-pool" : "undici";
const undiciSeq = m(FLOOR, "seq", "median_us");
const undiciRps = m(FLOOR, "conc", "rps");
const undiciChunks = m(FLOOR, "stream", "chunks_per_s");
// The buckets start full: 20 requests at once, then 20 per second.
const bestRl = (N.rl - 20) / 20;

/** The flags this run was given, as they would be typed (a client name with a space quoted). */
const flags = process.argv.slice(2).map((flag) => (flag.includes(" ") ? `"${flag}"` : flag));
const commandLine = flags.length > 0 ? ` -- ${flags.join(" ")}` : "";
const lines = [];
lines.push(
  `Run: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, \`cd bench && npm ci && npm run bench${commandLine}\`, ${N.repeats} repeats per client (alternated), medians${pin ? "; server pinned to CPU 1, each client process to CPU 0" : ""}.`,
);
lines.push("");
if (!fleetOnly) {
  lines.push(
    `| client | sequential median (p99), µs | overhead vs ${FLOOR}, µs | concurrent req/s (c=64) | vs ${FLOOR} | CPU ms / 1000 req | peak RSS MB | streaming chunks/s (c=16) | vs ${FLOOR} | time to first chunk, ms |`,
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const name of CLIENTS) {
    const seq = m(name, "seq", "median_us");
    lines.push(
      `| ${name} | ${fmt(seq)} (${fmt(m(name, "seq", "p99_us"))}) | ${name === FLOOR ? "0" : seq === undefined ? "-" : fmt(seq - undiciSeq)} | ${fmt(m(name, "conc", "rps"))} | ${ratio(m(name, "conc", "rps"), undiciRps)} | ${fmt(m(name, "conc", "cpu_ms_per_1000"))} | ${fmt(m(name, "conc", "peak_rss_mb"))} | ${fmt(m(name, "stream", "chunks_per_s"))} | ${ratio(m(name, "stream", "chunks_per_s"), undiciChunks)} | ${fmt(m(name, "stream", "ttfc_ms"), 2)} |`,
    );
  }
  lines.push("");
  lines.push(
    `Rate-limited: per key ${20} requests/s and a token budget worth 20 requests/s (each request charged its prompt plus the max_tokens it sends), ${N.rl} requests of about 1,000 prompt tokens at concurrency 32, default settings. Best possible: all ${N.rl} in about ${fmt(bestRl, 0)} s.`,
  );
  lines.push("");
  lines.push("| client | completed | wall time, s | vs best | 429s received |");
  lines.push("| --- | --- | --- | --- | --- |");
  for (const name of PEERS) {
    const wall = m(name, "ratelimit", "wall_s");
    lines.push(
      `| ${name} | ${fmt(m(name, "ratelimit", "completed"))} / ${N.rl} | ${fmt(wall, 1)} | ${ratio(wall, bestRl)} | ${fmt(m(name, "ratelimit", "got_429"))} |`,
    );
  }
}
if (!skipFleet) {
  lines.push("");
  lines.push(
    `Fleet: the same rate-limited server and ${N.rl} requests, split evenly over P processes that all use one key (total concurrency 32). Best possible: about ${fmt(bestRl, 0)} s.`,
  );
  lines.push("");
  lines.push("| client | processes | completed | wall time, s | vs best | 429s received |");
  lines.push("| --- | --- | --- | --- | --- | --- |");
  const fleetRows = [
    ...FLEET_SIZES.flatMap((processes) => FLEET_CLIENTS.map((name) => [name, processes])),
    ...(FLEET_CLIENTS.includes("director-llm + Redis") ? [["director-llm + Redis killed at 4 s", 4]] : []),
  ];
  for (const [name, processes] of fleetRows) {
    const label = `${name} x${processes}`;
    const wall = m(label, "fleet", "wall_s");
    lines.push(
      `| ${name} | ${processes} | ${fmt(m(label, "fleet", "completed"))} / ${N.rl} | ${fmt(wall, 1)} | ${ratio(wall, bestRl)} | ${fmt(m(label, "fleet", "got_429"))} |`,
    );
  }
}
{
  const redisSeq = m("director-llm + Redis", "seq", "median_us");
  if (redisSeq !== undefined && !fleetOnly) {
    lines.push("");
    lines.push(
      `Sequential overhead over raw undici: director-llm ${fmt(m("director-llm", "seq", "median_us") - undiciSeq)} µs with \`redis_url\` unset, ${fmt(redisSeq - undiciSeq)} µs with it set (one Redis round trip per request on a server that sends no rate-limit headers).`,
    );
  }
}
if (!fleetOnly) {
  lines.push("");
  lines.push(`| client | cold start (import + construct), ms | over bare \`node\`, ms |`);
  lines.push("| --- | --- | --- |");
  for (const name of PEERS)
    lines.push(`| ${name} | ${fmt(cold[name].total_ms)} | ${fmt(cold[name].over_bare_node_ms)} |`);
}
if (!skipFootprint) {
  lines.push("");
  lines.push("| install | packages | MB on disk |");
  lines.push("| --- | --- | --- |");
  for (const [name, value] of Object.entries(installs))
    lines.push(`| ${name} | ${value.packages} | ${fmt(value.mb, 1)} |`);
}
const table = lines.join("\n");
const suffix = `${quick ? "-quick" : ""}${fleetOnly ? "-fleet" : ""}${pin ? "-pinned" : ""}`;
writeFileSync(join(here, `results${suffix}.md`), `${table}\n`);
writeFileSync(join(here, `results${suffix}.json`), `${JSON.stringify({ runs, cold, installs }, null, 1)}\n`);
process.stdout.write(`${table}\n`);
