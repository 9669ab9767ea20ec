#!/usr/bin/env node
// The Claude and Gemini scenarios: director-llm's AnthropicAI or GoogleAI beside raw undici (its
// fastest path, a `Pool`, as the floor), the provider's official SDK and the AI SDK's provider, on
// the bench server's Anthropic- or Gemini-shaped endpoint (127.0.0.1), each run in a process of
// its own, alternated, medians of the repeats. Writes results-anthropic.md or results-gemini.md.
// Usage: node run-provider-bench.mjs claude|gemini [--quick] [--pin]
//        (--pin: server on CPU 1, clients on CPU 0)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasTaskset, median, nodeCommand, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const pin = process.argv.includes("--pin");
if (pin && !hasTaskset()) throw new Error("--pin needs taskset (util-linux)");
const N = quick ? { conc: 2000, streams: 300, repeats: 2 } : { conc: 10000, streams: 1000, repeats: 3 };
/** Each provider's rows (the floor first), where its endpoint is, and what it is called. */
const PROVIDERS = {
  claude: {
    title: "Claude",
    clients: [
      "claude:undici-pool",
      "claude:undici",
      "claude:director-llm",
      "claude:anthropic-sdk",
      "claude:ai-sdk",
    ],
    path: "/anthropic/v1",
    shape: "Anthropic-shaped",
    results: "results-anthropic",
  },
  gemini: {
    title: "Gemini",
    clients: ["gemini:undici-pool", "gemini:director-llm", "gemini:genai-sdk", "gemini:ai-sdk"],
    path: "/gemini",
    shape: "Gemini-shaped",
    results: "results-gemini",
  },
};
const provider = PROVIDERS[process.argv[2]];
if (provider === undefined)
  throw new Error("usage: node run-provider-bench.mjs claude|gemini [--quick] [--pin]");
const CLIENTS = provider.clients;
const FLOOR = CLIENTS[0];

execFileSync("npm", ["run", "build", "--silent"], { cwd: join(here, ".."), stdio: "inherit" });
const { child: server, port } = await startServer({ pin });
const base = `http://127.0.0.1:${port}${provider.path}`;

function worker(args) {
  const output = execFileSync(...nodeCommand([join(here, "worker.mjs"), ...args.map(String)], { pin }), {
    encoding: "utf8",
    timeout: 300_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1));
}

const runs = {};
try {
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
} finally {
  server.kill("SIGTERM");
}

const floor = { rps: median(runs[FLOOR].rps), chunks: median(runs[FLOOR].chunks) };
const flags = [quick && "--quick", pin && "--pin"].filter(Boolean).join(" ");
const lines = [
  `${provider.title} scenarios, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`node run-provider-bench.mjs ${process.argv[2]}${flags ? ` ${flags}` : ""}\`, ${N.repeats} repeats alternated, medians: ${N.conc} calls at concurrency 64, ${N.streams} streams of 200 text deltas at concurrency 16, on the bench server's ${provider.shape} endpoint${pin ? "; server on CPU 1, clients on CPU 0" : ""}.`,
  "",
  `| client | requests/s (c=64) | vs ${FLOOR.split(":")[1]} | chunks/s (streams) | vs ${FLOOR.split(":")[1]} | first chunk, ms |`,
  "| --- | --- | --- | --- | --- | --- |",
];
for (const name of CLIENTS) {
  const rps = median(runs[name].rps);
  const chunks = median(runs[name].chunks);
  lines.push(
    `| ${name.split(":")[1]} | ${Math.round(rps)} | ${(rps / floor.rps).toFixed(2)}x | ${Math.round(chunks)} | ${(chunks / floor.chunks).toFixed(2)}x | ${median(runs[name].ttfc).toFixed(2)} |`,
  );
}
writeFileSync(join(here, `${provider.results}${pin ? "-pinned" : ""}.md`), `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
