import { parseArgs } from "node:util";

export const USAGE = `Usage:
  director-llm chat [options] "prompt"     (or the prompt on stdin; both: the prompt, then the piped text)
  director-llm models [--provider <name>] [--json]
  director-llm --version

Options for chat:
  --provider <name>        openai (default), anthropic, google, or a preset (groq, mistral, ollama, ...;
                           see \`director-llm models\`); a claude-* or gemini-* --model picks its provider
  -m, --model <id>         model, or "provider/model" (groq/llama-3.3-70b-versatile) (default: OPENAI_CHAT_MODEL
                           or gpt-4o; ANTHROPIC_CHAT_MODEL or claude-sonnet-4-5; GOOGLEAI_CHAT_MODEL or gemini-2.5-flash)
  --system <text>          system message
  --json                   ask for a JSON object (response_format json_object); exit 1 if the answer is not one
  --max-tokens <n>         maximum output tokens (a positive integer)
  --temperature <t>        0..2
  --api-base <url>         API base URL (default: OPENAI_API_BASE or https://api.openai.com/v1)
  --allow-insecure-http    allow plain http:// to a host that is not loopback (or OPENAI_ALLOW_INSECURE_HTTP=1)
  --no-stream              wait for the whole answer instead of streaming it
  --usage                  print token counts (and cost) to stderr
  -h, --help               this help

Environment: OPENAI_API_KEY (required), OPENAI_API_BASE, OPENAI_CHAT_MODEL, OPENAI_MAX_TOKENS,
OPENAI_TEMPERATURE, OPENAI_TOP_P, OPENAI_TIMEOUT, OPENAI_ALLOW_INSECURE_HTTP; the same with
ANTHROPIC_ for --provider anthropic (and ANTHROPIC_BASE_URL, an origin without /v1), GOOGLEAI_ for
--provider google (the key also from GEMINI_API_KEY or GOOGLE_API_KEY); a preset reads its own prefix
(GROQ_API_KEY, ...).
Exit codes: 0 success, 1 API failure, 2 usage or configuration error, 130 interrupted.`;

/** A mistake in how the CLI was called or configured: exit code 2. */
export class UsageError extends Error {}

const STRING_OPTIONS = new Set([
  "--model",
  "-m",
  "--provider",
  "--system",
  "--max-tokens",
  "--temperature",
  "--api-base",
]);

/**
 * `--max-tokens -5` is a value, not an option: `parseArgs` would call it ambiguous, so such a
 * negative number is joined to its flag (`--max-tokens=-5`) and then refused with a clear message.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    if (STRING_OPTIONS.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(arg === "-m" ? `--model=${next}` : `${arg}=${next}`);
      index += 1;
    } else joined.push(arg);
  }
  return joined;
}

export function parseCliArgs(argv: readonly string[]) {
  return parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: "string", short: "m" },
      provider: { type: "string" },
      system: { type: "string" },
      json: { type: "boolean" },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      "api-base": { type: "string" },
      "allow-insecure-http": { type: "boolean" },
      "no-stream": { type: "boolean" },
      usage: { type: "boolean" },
      version: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** A numeric flag's value; `integer` flags must be positive integers. */
export function parseNumber(flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number))
    throw new UsageError(`${flag} must be a number (got "${value}")`);
  if (integer && (!Number.isInteger(number) || number <= 0))
    throw new UsageError(`${flag} must be a positive integer (got "${value}")`);
  return number;
}

/** Whether an environment flag is on: `1`, `true` or `yes`. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}
