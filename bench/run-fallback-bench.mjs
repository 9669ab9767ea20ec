#!/usr/bin/env node
// What FallbackLLM costs when its first member answers: sequential calls through OpenAI directly
// and through FallbackLLM([that OpenAI, a second member]), alternated in one process, on the
// bench server (127.0.0.1), medians of per-round mean latencies; then a fleet of 4 processes whose
// first member is down (the bench server's /down/ endpoint), cooldowns shared through Redis: every
// request must be answered by the second member, with one failed call per cooldown window.
// Writes results-fallback.md. Usage: node run-fallback-bench.mjs [--quick]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { median, startRedis, startServer } from "./harness.mjs";

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

/** One fleet process: `count` calls at concurrency 8 through FallbackLLM([down, live]); prints its tallies. */
function fleetProcess(redisUrl, count) {
  const script = `
    const { FallbackLLM, OpenAI } = await import("director-llm");
    const common = { api_key: "sk-bench", rate_limit: false, max_retries: 0, telemetry: false };
    const llm = new FallbackLLM(
      [new OpenAI({ ...common, api_base: "http://127.0.0.1:${port}/down/v1", chat_model: "gpt-4o" }),
       new OpenAI({ ...common, api_base: "${base}", chat_model: "gpt-4o-mini" })],
      { redis_url: "${redisUrl}", cooldown: { failures: 1, seconds: ${COOLDOWN_S} } });
    let answered = 0; let failed = 0; let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < ${count}) { next += 1; const res = await llm.chat_completions([{ role: "user", content: "hi" }]);
        if (res.error) failed += 1; else if (res.provider === "openai") answered += 1; }
    }));
    await llm.close();
    console.log(JSON.stringify({ answered, failed }));`;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: here,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (data) => (out += data));
    child.on("exit", (code) =>
      code === 0 ? resolveRun(JSON.parse(out.trim())) : reject(new Error(`fleet process exited ${code}`)),
    );
  });
}

const COOLDOWN_S = 2;
const FLEET = { processes: 4, calls: quick ? 500 : 2000 };
const times = { direct: [], fallback: [] };
let fleet;
try {
  await round(direct);
  await round(chain);
  for (let index = 0; index < ROUNDS; index += 1) {
    const order = index % 2 === 0 ? ["direct", "fallback"] : ["fallback", "direct"];
    for (const name of order) times[name].push(await round(name === "direct" ? direct : chain));
  }
  const redis = await startRedis();
  if (redis !== undefined) {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: FLEET.processes }, () => fleetProcess(redis.url, FLEET.calls)),
    );
    const seconds = (performance.now() - started) / 1000;
    const down = await (await fetch(`http://127.0.0.1:${port}/down-stats`)).json();
    fleet = {
      answered: results.reduce((sum, result) => sum + result.answered, 0),
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      downRequests: down.requests,
      windows: Math.ceil(seconds / COOLDOWN_S),
      seconds,
    };
    redis.kill();
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
if (fleet !== undefined)
  lines.push(
    "",
    `First member down, a fleet of ${FLEET.processes} processes × ${FLEET.calls} calls (concurrency 8 each), cooldowns shared through Redis (1 failure, ${COOLDOWN_S} s): ${fleet.answered} of ${FLEET.processes * FLEET.calls} answered by the second member, ${fleet.failed} failed; the down member got ${fleet.downRequests} requests in ${fleet.seconds.toFixed(1)} s (${fleet.windows} cooldown windows).`,
  );
writeFileSync(join(here, "results-fallback.md"), `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
