import { parseArgs } from "node:util";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import { ConfigError } from "../core/usage-errors.js";
import { OPENAI_MODELS } from "../openai/openai-chat-model.js";
import { OpenAI } from "../openai/openai.js";
import { hintFor } from "./hints.js";

/** The streams and environment the CLI runs with (injected so it can be driven in-process too). */
export interface CliIo {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `Usage:
  director-llm chat [options] "prompt"     (or the prompt on stdin)
  director-llm models

Options for chat:
  --model <id>          model (default: OPENAI_CHAT_MODEL or gpt-4o)
  --system <text>       system message
  --json                ask for a JSON object (response_format json_object)
  --max-tokens <n>      maximum output tokens
  --temperature <t>     0..2
  --api-base <url>      API base URL (default: OPENAI_API_BASE or https://api.openai.com/v1)
  --no-stream           wait for the whole answer instead of streaming it
  --usage               print token counts (and cost) to stderr
  -h, --help            this help

Environment: OPENAI_API_KEY (required), OPENAI_API_BASE, OPENAI_CHAT_MODEL, OPENAI_MAX_TOKENS,
OPENAI_TEMPERATURE, OPENAI_TOP_P, OPENAI_TIMEOUT.
Exit codes: 0 success, 1 API failure, 2 usage error, 130 interrupted.`;

class UsageError extends Error {}

function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number))
    throw new UsageError(`${flag} must be a number (got "${value}")`);
  return number;
}

async function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

function printModels(io: CliIo): number {
  const rows = Object.values(OPENAI_MODELS).map((model) => [
    model.id,
    model.context_window.toLocaleString("en-US"),
    model.max_output_tokens.toLocaleString("en-US"),
    model.reasoning ? "yes" : "",
  ]);
  const header = ["model", "context window", "max output", "reasoning"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  for (const row of [header, ...rows]) {
    io.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  }
  return 0;
}

function startSpinner(stderr: CliIo["stderr"]): () => void {
  if (!stderr.isTTY) return () => {};
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let index = 0;
  const timer = setInterval(() => stderr.write(`\r${frames[index++ % frames.length]} `), 80);
  return () => {
    clearInterval(timer);
    stderr.write("\r  \r");
  };
}

/** Runs the CLI and returns its exit code. A thin shell over the public API. */
export async function runCli(io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(io.argv);
  } catch (error) {
    io.stderr.write(`director-llm: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...words] = positionals;
  if (command === "models") return printModels(io);
  if (command !== "chat") {
    io.stderr.write(
      `director-llm: ${command ? `unknown command "${command}"` : "no command given"}\n\n${USAGE}\n`,
    );
    return 2;
  }
  let prompt = words.join(" ");
  if (prompt === "" && !io.stdin.isTTY) prompt = (await readStdin(io.stdin)).trim();
  if (prompt === "") {
    io.stderr.write(`director-llm: no prompt: give one as an argument or on stdin\n\n${USAGE}\n`);
    return 2;
  }

  let llm: OpenAI;
  let call: ChatCompletionOptions;
  const flagged = new Set<string>();
  try {
    const max_tokens = parseNumber("--max-tokens", values["max-tokens"]);
    const temperature = parseNumber("--temperature", values.temperature);
    if (max_tokens !== undefined) flagged.add("max_tokens");
    if (temperature !== undefined) flagged.add("temperature");
    if (values["api-base"] !== undefined) flagged.add("api_base");
    llm = new OpenAI({
      ...(values["api-base"] !== undefined ? { api_base: values["api-base"] } : {}),
      ...(max_tokens !== undefined ? { max_tokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    });
    call = {
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values.json ? { response_format: { type: "json_object" } } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError || (error instanceof ConfigError && flagged.has(error.option))) {
      io.stderr.write(`director-llm: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`error: ${error.message}\n`);
      if (error.option === "api_key")
        io.stderr.write("hint: export OPENAI_API_KEY=sk-... (or any non-empty key for a local server)\n");
      return 1;
    }
    throw error;
  }

  const messages: ChatMessage[] = [];
  const system =
    values.system ?? (values.json && !/json/i.test(prompt) ? "Answer with a JSON object." : undefined);
  if (system !== undefined) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: prompt });

  const controller = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    controller.abort();
  };
  process.once("SIGINT", onInterrupt);
  const stopSpinner = startSpinner(io.stderr);
  let response: LLMResponse;
  try {
    if (values["no-stream"]) {
      response = await llm.chat_completions(messages, { ...call, signal: controller.signal });
      stopSpinner();
      if (response.content !== "") io.stdout.write(`${response.content}\n`);
    } else {
      const stream = llm.stream_chat_completions(messages, { ...call, signal: controller.signal });
      let spinning = true;
      let wrote = false;
      for await (const part of stream) {
        if (spinning) {
          stopSpinner();
          spinning = false;
        }
        if (part.type === "text-delta") {
          io.stdout.write(part.text);
          wrote = true;
        }
      }
      if (spinning) stopSpinner();
      response = await stream.response;
      if (wrote) io.stdout.write("\n");
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }

  for (const call of response.tool_calls)
    io.stderr.write(`tool call: ${call.tool.name} ${JSON.stringify(call.tool.arguments)}\n`);
  if (values.usage) {
    const cost = response.cost === undefined ? "" : `, cost $${response.cost.toFixed(6)}`;
    io.stderr.write(
      `usage: ${response.send_tokens} prompt + ${response.recv_tokens} completion = ${response.total_tokens} tokens${cost}\n`,
    );
  }
  if (response.error) {
    if (interrupted) {
      io.stderr.write("interrupted\n");
      return 130;
    }
    const status = response.error.status_code === undefined ? "" : ` (HTTP ${response.error.status_code})`;
    io.stderr.write(
      `error: ${response.error.kind}${status}: ${response.error.message}\n${hintFor(response.error.kind, llm.config.api_base_redacted)}\n`,
    );
    return 1;
  }
  return 0;
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: "string" },
      system: { type: "string" },
      json: { type: "boolean" },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      "api-base": { type: "string" },
      "no-stream": { type: "boolean" },
      usage: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
