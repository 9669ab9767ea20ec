// What the bench runners share: the loopback server process, CPU pinning, medians.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";

const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;

/** Whether `taskset` (util-linux) is installed, for pinning processes to a CPU. */
export function hasTaskset() {
  try {
    execFileSync("sh", ["-c", "command -v taskset"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `[command, args]` running Node with `args`, on CPU `cpu` when `pin` is set. */
export function nodeCommand(args, { pin = false, cpu = 0 } = {}) {
  return pin ? ["taskset", ["-c", String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/**
 * Starts bench/server.mjs (on CPU 1 when `pin` is set; `env` adds to its environment, e.g.
 * `STREAM_CHUNKS`); resolves with the child and its port.
 */
export function startServer({ pin = false, env = {} } = {}) {
  return new Promise((resolvePort, reject) => {
    const child = spawn(...nodeCommand([join(here, "server.mjs")], { pin, cpu: 1 }), {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    child.stdout.once("data", (data) => resolvePort({ child, port: JSON.parse(data.toString()).port }));
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

/** The median of the defined values, or `undefined` when there are none. */
export function median(values) {
  const sorted = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
