import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, redisCommand } from "./redis-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real Redis Cluster on loopback: `masters` masters with one replica each, made by
 * `redis-cli --cluster create`, with a short node timeout so a killed master's replica takes over
 * within a few seconds. `stop()` in teardown kills every node and removes their files.
 */
export class RedisCluster {
  readonly #children = new Map<number, ChildProcess>();
  private constructor(
    readonly ports: number[],
    readonly directory: string,
  ) {}

  /** Every node's URL, comma-separated: what `redis_url` takes for a cluster. */
  get urls(): string {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`).join(",");
  }

  static async start(masters = 3): Promise<RedisCluster> {
    const ports: number[] = [];
    for (let index = 0; index < masters * 2; index += 1) ports.push(await freePort());
    const cluster = new RedisCluster(ports, mkdtempSync(join(tmpdir(), "redis-cluster-")));
    try {
      for (const port of ports) cluster.#spawn(port);
      for (const port of ports)
        await waitFor(async () => (await redisCommand(port, "PING")).startsWith("+PONG"));
      await new Promise<void>((resolve, reject) => {
        execFile(
          "redis-cli",
          [
            "--cluster",
            "create",
            ...ports.map((port) => `127.0.0.1:${port}`),
            "--cluster-replicas",
            "1",
            "--cluster-yes",
          ],
          { timeout: 20_000 },
          (error, stdout) =>
            error ? reject(new Error(`redis-cli --cluster create: ${error.message}\n${stdout}`)) : resolve(),
        );
      });
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  #spawn(port: number): void {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "1000",
        "--dir",
        this.directory,
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      { stdio: "ignore" },
    );
    this.#children.set(port, child);
  }

  /** Until every live node says `cluster_state:ok` and each slot range has a live master (bounded: 20 s). */
  async waitUntilOk(): Promise<void> {
    await waitFor(async () => {
      for (const port of this.#children.keys()) {
        if (!(await redisCommand(port, "CLUSTER", "INFO")).includes("cluster_state:ok")) return false;
      }
      return true;
    }, 20_000);
  }

  /** The ports of the live masters. */
  async masters(): Promise<number[]> {
    const port = [...this.#children.keys()][0]!;
    const nodes = await redisCommand(port, "CLUSTER", "NODES");
    return nodes
      .split("\n")
      .filter(
        (line) => / master /.test(` ${line.split(" ")[2]?.replace(/,/g, " ")} `) && !line.includes("fail"),
      )
      .map((line) => Number(line.split(" ")[1]!.split(":")[1]!.split("@")[0]))
      .filter((masterPort) => this.#children.has(masterPort));
  }

  /** The live master holding any key that matches `pattern` (`undefined` when none does). */
  async masterHolding(pattern: string): Promise<number | undefined> {
    for (const port of await this.masters()) {
      // A RESP array: "*0" when no key matches.
      if (!(await redisCommand(port, "KEYS", pattern)).startsWith("*0")) return port;
    }
    return undefined;
  }

  /** Kills one node (SIGKILL) and waits until it is gone. */
  async kill(port: number): Promise<void> {
    const child = this.#children.get(port);
    this.#children.delete(port);
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    for (const port of [...this.#children.keys()]) await this.kill(port);
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Polls `check` every 50 ms until it is true; throws after `timeoutMs`. */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      if (await check()) return;
    } catch {}
    await sleep(50);
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}
