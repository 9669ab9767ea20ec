import type { ChatCompletionOptions } from "../core/chat-options.js";
import { type LLMResponse, NO_USAGE_WARNING } from "../core/llm-response.js";
import type { ChatMessage, ToolCall } from "../core/messages.js";
import { ConfigError, InvalidArgumentError } from "../core/usage-errors.js";
import type { BaseLLM } from "../llm/base-llm.js";
import { envFlag, parseCliArgs, parseNumber, USAGE, UsageError } from "./cli-args.js";
import { createClient, type EnvPrefix, envPrefixOf, providerNamed, providerOf } from "./create-client.js";
import { hintFor } from "./hints.js";
import { printModels } from "./print-models.js";

/** The streams and environment the CLI runs with (injected so it can be driven in-process too). */
export interface CliIo {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Whether stdin is piped data (a pipe or a file) to read even when a prompt is given. */
  stdinHasData: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  version: string;
}

async function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
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

function describeToolCall(call: ToolCall): string {
  return call.invalid
    ? `tool call: ${call.tool.name} with invalid arguments (${call.parse_error}): ${call.tool.raw_arguments ?? ""}`
    : `tool call: ${call.tool.name} ${JSON.stringify(call.tool.arguments)}`;
}

/** The prompt from the arguments and stdin: either one, or the prompt then the piped text. */
async function readPrompt(io: CliIo, words: readonly string[]): Promise<string> {
  const prompt = words.join(" ");
  const piped = prompt === "" ? !io.stdin.isTTY : io.stdinHasData;
  const text = piped ? (await readStdin(io.stdin)).trim() : "";
  return [prompt, text].filter((part) => part !== "").join("\n\n");
}

function usageFailure(io: CliIo, message: string, usage = false): number {
  io.stderr.write(`director-llm: ${message}\n${usage ? `\n${USAGE}\n` : ""}`);
  return 2;
}

/** Runs the CLI and returns its exit code. A thin shell over the public API. */
/** The flag that sets each config option, for messages about a value the user typed. */
const FLAG_OF = { temperature: "temperature", max_tokens: "max-tokens", api_base: "api-base" } as const;

export async function runCli(io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(io.argv);
  } catch (error) {
    return usageFailure(io, (error as Error).message, true);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`director-llm ${io.version}\n`);
    return 0;
  }
  const [command, ...words] = positionals;
  if (command === "models") {
    try {
      const only = values.provider === undefined ? undefined : providerNamed(values.provider);
      return printModels(io.stdout, { provider: only, json: values.json === true });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return usageFailure(io, error.message);
    }
  }
  if (command !== "chat")
    return usageFailure(io, command ? `unknown command "${command}"` : "no command given", true);
  const prompt = await readPrompt(io, words);
  if (prompt === "") return usageFailure(io, "no prompt: give one as an argument or on stdin", true);

  let llm: BaseLLM;
  let call: ChatCompletionOptions;
  let prefix: EnvPrefix = "OPENAI";
  try {
    const { provider, model } = providerOf(values.provider, values.model);
    prefix = envPrefixOf(provider);
    const max_tokens = parseNumber("--max-tokens", values["max-tokens"], true);
    const temperature = parseNumber("--temperature", values.temperature);
    if (values.model !== undefined && values.model.trim() === "")
      throw new UsageError("--model must not be empty");
    llm = createClient(
      provider,
      {
        ...(values["api-base"] !== undefined ? { api_base: values["api-base"] } : {}),
        ...(max_tokens !== undefined ? { max_tokens } : {}),
        ...(temperature !== undefined ? { temperature } : {}),
        allow_insecure_http:
          values["allow-insecure-http"] === true || envFlag(io.env[`${prefix}_ALLOW_INSECURE_HTTP`]),
      },
      io.env,
    );
    call = {
      ...(model !== undefined ? { model } : {}),
      ...(values.json ? { response_format: { type: "json_object" } } : {}),
    };
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    // A value given by a flag is named by its flag, not by the config option it sets.
    const flag = error instanceof ConfigError ? FLAG_OF[error.option as keyof typeof FLAG_OF] : undefined;
    const message =
      flag !== undefined && values[flag] !== undefined
        ? `--${flag} ${error.message.replace(/^Invalid config "[^"]+": /, "").replace(/; set the .*$/, "")}`
        : error.message;
    const code = usageFailure(io, message);
    if (error instanceof ConfigError && error.option === "api_key")
      io.stderr.write(`hint: export ${prefix}_API_KEY=... (or any non-empty key for a local server)\n`);
    if (
      error instanceof ConfigError &&
      error.option === "api_base" &&
      /plain http is allowed only on loopback/.test(error.message)
    )
      io.stderr.write("hint: for plain http to a host that is not loopback, add --allow-insecure-http\n");
    return code;
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
  let received = false;
  try {
    if (values["no-stream"]) {
      response = await llm.chat_completions(messages, { ...call, signal: controller.signal });
      stopSpinner();
      if (response.content !== "") io.stdout.write(`${response.content}\n`);
    } else {
      const stream = llm.stream_chat_completions(messages, { ...call, signal: controller.signal });
      let spinning = true;
      for await (const part of stream) {
        if (spinning) {
          stopSpinner();
          spinning = false;
        }
        if (part.type === "text-delta") {
          io.stdout.write(part.text);
          received = true;
        }
      }
      if (spinning) stopSpinner();
      response = await stream.response;
      if (received) io.stdout.write("\n");
    }
  } catch (error) {
    stopSpinner();
    if (error instanceof InvalidArgumentError) return usageFailure(io, error.message);
    throw error;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  return report(io, response, {
    envPrefix: prefix,
    json: values.json === true,
    usage: values.usage === true,
    interrupted,
    received,
    apiBase: llm.config.api_base_redacted,
  });
}

/** Prints what the user should see besides the answer, and returns the exit code. */
function report(
  io: CliIo,
  response: LLMResponse,
  options: {
    json: boolean;
    usage: boolean;
    interrupted: boolean;
    received: boolean;
    apiBase: string;
    envPrefix: EnvPrefix;
  },
): number {
  for (const call of response.tool_calls) io.stderr.write(`${describeToolCall(call)}\n`);
  // What is known of the usage belongs with --usage, not among the warnings.
  const estimated = response.warnings.some((warning) => warning.startsWith("usage estimated"));
  const unreported = response.warnings.includes(NO_USAGE_WARNING);
  for (const warning of response.warnings)
    if (!warning.startsWith("usage estimated") && warning !== NO_USAGE_WARNING)
      io.stderr.write(`warning: ${warning}\n`);
  if (options.usage) {
    const cost = response.cost === undefined ? "" : `, cost $${response.cost.toFixed(6)}`;
    const note = estimated
      ? " (estimated locally: the stream ended before the server sent usage)"
      : unreported
        ? " (the server sent no usage)"
        : "";
    io.stderr.write(
      `usage: ${response.send_tokens} prompt + ${response.recv_tokens} completion = ${response.total_tokens} tokens${cost}${note}\n`,
    );
  }
  if (response.error) {
    if (options.interrupted) {
      io.stderr.write("interrupted\n");
      return 130;
    }
    const status = response.error.status_code === undefined ? "" : ` (HTTP ${response.error.status_code})`;
    io.stderr.write(
      `error: ${response.error.kind}${status}: ${response.error.message}\n${hintFor(response.error, { apiBase: options.apiBase, streamStarted: options.received, envPrefix: options.envPrefix })}\n`,
    );
    return 1;
  }
  if (options.json && response.parsed === undefined && response.tool_calls.length === 0) {
    io.stderr.write("error: the answer is not a JSON object (--json)\n");
    return 1;
  }
  return 0;
}
