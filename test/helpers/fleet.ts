import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { countOpenAITokens } from "../../src/openai/count-openai-tokens.js";
import { rateLimitedServer } from "./rate-limited.js";
import type { TestServer } from "./test-server.js";

const WORKER = fileURLToPath(new URL("./fleet-worker.js", import.meta.url));

/** What one fleet process reports. */
export interface WorkerResult {
  ok: number;
  failed: string[];
  maxCallMs: number;
  warnings: string[];
  /** How long the process took from spawn to exit, in ms. */
  lifetimeMs: number;
  /** How long the process lived after printing its result (its last call had ended), in ms. */
  exitLagMs: number;
}

/**
 * Runs `processes` real Node processes of the library on one key, splitting `count` calls and
 * `concurrency` between them. Each must exit on its own within `timeoutMs` (it is killed and the
 * promise rejects otherwise).
 */
export function runFleet(options: {
  processes: number;
  base: string;
  key: string;
  count: number;
  concurrency: number;
  redisUrl?: string | undefined;
  timeoutMs: number;
  /** Called once every process has been spawned (fault tests act on Redis from here). */
  onSpawned?: () => void;
}): Promise<WorkerResult[]> {
  const runs = Array.from({ length: options.processes }, (_, index) => {
    const share =
      Math.floor(options.count / options.processes) + (index < options.count % options.processes ? 1 : 0);
    const config = {
      base: options.base,
      key: options.key,
      count: share,
      concurrency: Math.max(1, Math.round(options.concurrency / options.processes)),
      ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    };
    const started = performance.now();
    const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let printedAt = 0;
    child.stdout.on("data", (data) => {
      stdout += data;
      if (stdout.endsWith("\n")) printedAt = performance.now();
    });
    child.stderr.on("data", (data) => {
      stderr += data;
    });
    return new Promise<WorkerResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`fleet process did not exit within ${options.timeoutMs} ms; stderr: ${stderr}`));
      }, options.timeoutMs);
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`fleet process exited with ${code}: ${stderr}`));
        try {
          resolve({
            ...(JSON.parse(stdout) as Omit<WorkerResult, "lifetimeMs" | "exitLagMs">),
            lifetimeMs: performance.now() - started,
            exitLagMs: performance.now() - printedAt,
          });
        } catch {
          reject(new Error(`fleet process printed no result: ${stdout} ${stderr}`));
        }
      });
    });
  });
  options.onSpawned?.();
  return Promise.all(runs);
}

/** Sums the fleet's results. */
export function fleetTotals(results: readonly WorkerResult[]) {
  return {
    ok: results.reduce((sum, result) => sum + result.ok, 0),
    failed: results.flatMap((result) => result.failed),
    maxCallMs: Math.max(...results.map((result) => result.maxCallMs)),
    warnings: results.flatMap((result) => result.warnings),
  };
}

/** About the fleet worker's prompt (~250 tokens) plus its max_tokens (100). */
const WORKER_COST = 350;

/**
 * Scripts `server` as the fleet tests' rate-limited server: 20 requests/s (burst 10) and the token
 * budget of 20 worker requests per second, prompts counted exactly. Returns its live stats.
 */
export function fleetServer(server: TestServer) {
  const limited = rateLimitedServer({
    requests: { capacity: 10, perSecond: 20 },
    tokens: { capacity: 10 * WORKER_COST, perSecond: 20 * WORKER_COST },
    promptTokens: (body) => countOpenAITokens(body as never, "o200k_base"),
  });
  server.script(limited.handler);
  return limited.stats;
}
