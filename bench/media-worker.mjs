// One measured media run in its own process: prints peak memory over the process's baseline and
// the longest event-loop stall while the library prepares and sends the media.
// node media-worker.mjs inline <api_base> <file>   one chat call with the file inline (base64)
// node media-worker.mjs upload <api_base> <file>   GoogleAI.files.upload of the file (resumable)
import { readFileSync, statSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { GoogleAI } from "director-llm";

const [scenario, base, path] = process.argv.slice(2);
const gemini = new GoogleAI({
  api_key: "bench-key",
  api_base: base,
  allow_insecure_http: true,
  timeout: 120,
});
const size = statSync(path).size;
// The file in memory for the inline call (what a caller holds anyway); nothing for the upload.
const bytes = scenario === "inline" ? readFileSync(path) : undefined;
// Warm up (modules loaded, connection open), so what is measured is preparing and sending the media.
if (scenario === "inline") {
  const warm = await gemini.chat_completions([
    { role: "user", content: [{ type: "media", data: bytes.subarray(0, 4096), media_type: "video/mp4" }] },
  ]);
  if (warm.error) throw warm.error;
} else {
  const head = readFileSync(path).subarray(0, 1024 * 1024);
  await gemini.files.upload(head, { media_type: "video/mp4", wait: false });
}
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
// Also the longest gap between this 2 ms timer's ticks: a stall the histogram might not see whole.
let lastTick = performance.now();
let longestGap = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
  const now = performance.now();
  longestGap = Math.max(longestGap, now - lastTick - 2);
  lastTick = now;
}, 2);
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const started = performance.now();
if (scenario === "inline") {
  const response = await gemini.chat_completions([
    {
      role: "user",
      content: [
        { type: "text", text: "What happens?" },
        { type: "media", data: bytes, media_type: "video/mp4" },
      ],
    },
  ]);
  if (response.error) throw response.error;
} else {
  await gemini.files.upload(path, { media_type: "video/mp4", wait: false });
}
const elapsed = performance.now() - started;
delay.disable();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const base64Bytes = Math.ceil(size / 3) * 4;
process.stdout.write(
  `${JSON.stringify({
    scenario,
    file_mb: size / 1e6,
    base64_mb: base64Bytes / 1e6,
    peak_over_baseline_mb: (peak - baseline) / 1e6,
    peak_over_base64: (peak - baseline) / base64Bytes,
    max_stall_ms: Math.max(delay.max / 1e6, longestGap),
    elapsed_ms: elapsed,
  })}\n`,
);
