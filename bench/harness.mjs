// What the bench runners share: the loopback server process, CPU pinning, medians.
import { execFileSync, spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
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

export function freePort() {
  return new Promise((resolvePort) => {
    const probe = createNetServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolvePort(free));
    });
  });
}

/** A real redis-server on loopback, persistence off; `undefined` when none is installed. */
export async function startRedis() {
  let binary;
  try {
    binary = execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
  const redisPort = await freePort();
  const redis = { url: `redis://127.0.0.1:${redisPort}`, child: undefined };
  redis.start = async () => {
    redis.child = spawn(
      binary,
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    for (let tries = 0; tries < 100; tries += 1) {
      try {
        execFileSync("redis-cli", ["-p", String(redisPort), "ping"], { stdio: "ignore" });
        return;
      } catch {
        await new Promise((done) => setTimeout(done, 50));
      }
    }
    throw new Error("redis-server did not start");
  };
  redis.kill = () => {
    redis.child?.kill("SIGKILL");
    redis.child = undefined;
  };
  await redis.start();
  return redis;
}
