import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without any provider variable of the test process (OPENAI_*, ANTHROPIC_*, Google's). */
function cleanEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(OPENAI_|ANTHROPIC_|GOOGLEAI_|GEMINI_|GOOGLE_API_KEY$|VIDEO_DB_|DEFAULT_LLM$)/.test(name),
    ),
  );
}

/** Collects a child's output until it exits (killed after 15 s: a test never waits forever). */
function collect(child: ChildProcess): Promise<Run> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr?.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Spawns the CLI as a user would, with only the given OPENAI_* and ANTHROPIC_* variables set. */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    stdin?: string;
    onStart?: (child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...cleanEnv(), ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const run = collect(child);
  child.stdin.end(options.stdin ?? "");
  options.onStart?.(child);
  return run;
}

/** Runs a shell pipeline ending in the CLI (`$CLI` in `command`), as a user types it. */
export function runShell(command: string, env: Record<string, string>): Promise<Run> {
  const child = spawn("sh", ["-c", command], {
    env: { ...cleanEnv(), ...env, CLI: `${process.execPath} ${CLI}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child);
}

/**
 * Runs `action` `delayMs` after the server has seen its first request (polled every 20 ms, for
 * at most 15 s, so the poll never outlives a test that sends nothing).
 */
export function afterFirstRequest(
  server: { requests: readonly unknown[] },
  delayMs: number,
  action: () => void,
): void {
  const started = Date.now();
  const poll = setInterval(() => {
    if (server.requests.length > 0) {
      clearInterval(poll);
      setTimeout(action, delayMs);
    } else if (Date.now() - started > 15_000) clearInterval(poll);
  }, 20);
}
