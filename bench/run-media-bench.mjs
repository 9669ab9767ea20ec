#!/usr/bin/env node
// Media memory and event-loop stalls: a 15 MB video sent inline to Gemini (one chat call), and a
// 200 MB file uploaded through GoogleAI.files (resumable, 8 MiB chunks), each in a fresh process
// against loopback servers. Reports peak RSS over the process's baseline (against the base64 size)
// and the longest event-loop stall. `node run-media-bench.mjs` (after `npm ci`); writes
// results-media.md.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, openSync, rmSync, writeSync, closeSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir, cpus } from "node:os";
import { join, resolve } from "node:path";
import { median, startServer } from "./harness.mjs";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
const REPEATS = 3;
execFileSync("npm", ["run", "build"], { cwd: resolve(here, ".."), stdio: "ignore" });
const { GeminiFilesServer } = await import("../dist/test/helpers/gemini-files-server.js");

/** A file of `bytes` bytes that starts like an MP4 (an ftyp box), written a MiB at a time. */
function videoFile(directory, name, bytes) {
  const path = join(directory, name);
  const fd = openSync(path, "w");
  const block = randomBytes(1024 * 1024);
  Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]).copy(block, 0);
  for (let written = 0; written < bytes; written += block.length)
    writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  closeSync(fd);
  return path;
}

const directory = mkdtempSync(join(tmpdir(), "media-bench-"));
const { child, port } = await startServer();
const files = await GeminiFilesServer.start("bench-key");
const runs = { inline: [], upload: [] };
try {
  const inlineFile = videoFile(directory, "clip-15mb.mp4", 15_000_000);
  const uploadFile = videoFile(directory, "video-200mb.mp4", 200_000_000);
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    for (const [scenario, base, path] of [
      ["inline", `http://127.0.0.1:${port}/gemini/v1beta`, inlineFile],
      ["upload", `${files.url}/v1beta`, uploadFile],
    ]) {
      // Asynchronously: the Files API server runs in this process and must keep answering.
      const { stdout: output } = await promisify(execFile)(
        process.execPath,
        ["--expose-gc", join(here, "media-worker.mjs"), scenario, base, path],
        { encoding: "utf8" },
      );
      const result = JSON.parse(output.trim().split("\n").at(-1));
      process.stderr.write(`${JSON.stringify(result)}\n`);
      runs[scenario].push(result);
      files.files.clear();
    }
  }
} finally {
  child.kill("SIGTERM");
  await files.close();
  rmSync(directory, { recursive: true, force: true });
}
const m = (scenario, field) => median(runs[scenario].map((run) => run[field]));
const fmt = (value, digits = 1) => value.toFixed(digits);
const lines = [
  `Run: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, \`cd bench && npm ci && node run-media-bench.mjs\`, ${REPEATS} runs each in a fresh process, medians.`,
  "",
  "| scenario | file, MB | base64, MB | peak RSS over baseline, MB | peak / base64 size | longest event-loop stall, ms | time, ms |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  `| 15 MB video inline (GoogleAI.chat_completions) | ${fmt(m("inline", "file_mb"))} | ${fmt(m("inline", "base64_mb"))} | ${fmt(m("inline", "peak_over_baseline_mb"))} | ${fmt(m("inline", "peak_over_base64"), 2)}x | ${fmt(m("inline", "max_stall_ms"))} | ${fmt(m("inline", "elapsed_ms"), 0)} |`,
  `| 200 MB upload (GoogleAI.files.upload, 8 MiB chunks) | ${fmt(m("upload", "file_mb"))} | ${fmt(m("upload", "base64_mb"))} | ${fmt(m("upload", "peak_over_baseline_mb"))} | ${fmt(m("upload", "peak_over_base64"), 2)}x | ${fmt(m("upload", "max_stall_ms"))} | ${fmt(m("upload", "elapsed_ms"), 0)} |`,
];
const table = lines.join("\n");
writeFileSync(join(here, "results-media.md"), `${table}\n`);
process.stdout.write(`${table}\n`);
