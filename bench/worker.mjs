// Runs one scenario for one client in a process of its own and prints one JSON line of results.
// Usage: node worker.mjs SCENARIO CLIENT BASE_URL COUNT CONCURRENCY KEY
import { CLIENTS } from "./clients.mjs";

const [scenario, name, base, countText, concurrencyText, key = "sk-bench"] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const ladder =
  name.startsWith("ladder:") || name.startsWith("probe:") ? await import("./ladder-clients.mjs") : undefined;
const factory = ladder ? (ladder.LADDER[name] ?? ladder.PROBES[name]) : CLIENTS[name];
const client = await factory(base, key);
const shortPrompt = [{ role: "user", content: "Say something about benchmarks." }];
const longPrompt = (index) => [
  {
    role: "user",
    content: `Request ${index}. ${"The quick brown fox jumps over the lazy dog. ".repeat(100)}`,
  },
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function pool(total, width, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
// Warm up connections and code paths outside the measurement. The rate-limited run warms up with
// one call to the unlimited endpoint (loading a tokenizer, connecting to Redis, first-use
// compilation), so the fleet's clock measures pacing, not process start-up competing for 2 cores.
if (scenario === "ratelimit") {
  const warm = await CLIENTS[name](base.replace(/\/rl\/v1$/, "/v1"), key);
  await warm.call(longPrompt(-1));
} else {
  // At the scenario's width, so every connection it uses is open before the clock starts.
  const width = scenario === "seq" ? 1 : concurrency;
  await pool(Math.max(50, width * 4), width, () =>
    scenario === "stream" ? client.stream(shortPrompt, () => {}) : client.call(shortPrompt),
  );
}
const cpuBefore = process.cpuUsage();
const started = performance.now();
/** Wall-clock start and end, so a fleet's span can be taken across processes. */
const startedAt = Date.now();
const result = { scenario, client: name };

if (scenario === "seq") {
  const latencies = [];
  for (let index = 0; index < count; index += 1) {
    const t0 = performance.now();
    await client.call(shortPrompt);
    latencies.push((performance.now() - t0) * 1000);
  }
  latencies.sort((a, b) => a - b);
  result.median_us = percentile(latencies, 50);
  result.p99_us = percentile(latencies, 99);
} else if (scenario === "conc") {
  let failed = 0;
  await pool(count, concurrency, async () => {
    try {
      await client.call(shortPrompt);
    } catch {
      failed += 1;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  result.rps = count / seconds;
  result.failed = failed;
} else if (scenario === "stream") {
  let chunks = 0;
  const firstChunk = [];
  await pool(count, concurrency, async () => {
    const t0 = performance.now();
    let first = true;
    await client.stream(shortPrompt, () => {
      chunks += 1;
      if (first) {
        first = false;
        firstChunk.push(performance.now() - t0);
      }
    });
  });
  const seconds = (performance.now() - started) / 1000;
  firstChunk.sort((a, b) => a - b);
  result.chunks_per_s = chunks / seconds;
  result.chunks = chunks;
  result.ttfc_ms = percentile(firstChunk, 50);
} else if (scenario === "ratelimit") {
  let completed = 0;
  const deadline = Date.now() + 120_000;
  await pool(count, concurrency, async (index) => {
    if (Date.now() > deadline) return;
    try {
      await client.call(longPrompt(index));
      completed += 1;
    } catch {}
  });
  result.completed = completed;
  result.wall_s = (performance.now() - started) / 1000;
  result.started_at = startedAt;
  result.ended_at = Date.now();
  const stats = await (
    await fetch(`${base.replace(/\/rl\/v1$/, "")}/stats?key=${encodeURIComponent(key)}`)
  ).json();
  result.server_ok = stats.ok;
  result.got_429 = stats.limited;
  result.ok_per_second = stats.ok_per_second;
  result.limited_per_second = stats.limited_per_second;
  result.server_first_at = stats.first_at;
  result.server_last_ok_at = stats.last_ok_at;
}
const cpu = process.cpuUsage(cpuBefore);
result.cpu_ms_per_1000 = ((cpu.user + cpu.system) / 1000 / count) * 1000;
clearInterval(sampler);
result.peak_rss_mb = peakRss / 1024 / 1024;
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
