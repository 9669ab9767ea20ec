import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function redisBinary(): string {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "redis-server is not installed: the fleet tests need a real one (apt-get install -y redis-server; .ci/run does this)",
    );
  }
}

/** Sends one inline command to a Redis server and returns its raw reply (for setup and checks only). */
export function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis ${args[0]}: no reply within 2 s`));
    }, 2000);
    let reply = "";
    const command = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
    socket.on("connect", () => socket.write(command));
    socket.on("data", (data) => {
      reply += data.toString("utf8");
      if (reply.endsWith("\r\n")) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * A real `redis-server` on 127.0.0.1 and a free port, persistence off. `stop()` in teardown; `kill()`,
 * `freeze()` / `thaw()` (SIGSTOP / SIGCONT) and `restart()` (same port, empty script cache) for
 * fault tests.
 */
export class RedisServer {
  #child: ChildProcess | undefined;
  #frozen = false;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    const child = spawn(
      redisBinary(),
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      { stdio: "ignore" },
    );
    this.#child = child;
    const started = Date.now();
    while (Date.now() - started < 5000) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      try {
        if ((await redisCommand(this.port, "PING")).startsWith("+PONG")) return;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("redis-server did not answer PING within 5 s");
  }

  /** SIGSTOP: the server keeps its connections but answers nothing. */
  freeze(): void {
    this.#child?.kill("SIGSTOP");
    this.#frozen = true;
  }

  thaw(): void {
    this.#child?.kill("SIGCONT");
    this.#frozen = false;
  }

  /** Kills the server (SIGKILL) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    this.#frozen = false;
    await exited;
  }

  /** A fresh server on the same port: no data, no cached scripts. */
  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn();
  }

  async stop(): Promise<void> {
    if (this.#frozen) this.thaw();
    await this.kill();
  }
}
