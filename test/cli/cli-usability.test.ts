import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { TEST_KEY } from "../helpers/client.js";
import { completion, hang, json } from "../helpers/handlers.js";
import { afterFirstRequest, runCli, runShell } from "../helpers/run-cli.js";
import { claudeMessage } from "../helpers/claude.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { TestServer, useTestServer } from "../helpers/test-server.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

describe("the CLI, as a newcomer uses it", () => {
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    server = await TestServer.start();
    env = { OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: `${server.url}/v1`, OPENAI_CHAT_MODEL: "gpt-4o-mini" };
  });
  after(() => server.close());

  it("piped text plus a prompt sends both: the prompt, then the text", async () => {
    server.script(json(200, completion("A summary.")));
    const run = await runShell(`printf 'The document.\\n' | $CLI chat --no-stream "Summarize this"`, env);
    assert.deepStrictEqual(run, { code: 0, stdout: "A summary.\n", stderr: "" });
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.deepStrictEqual(body["messages"], [{ role: "user", content: "Summarize this\n\nThe document." }]);
  });

  it("a file on stdin plus a prompt sends both too", async () => {
    server.script(json(200, completion("ok")));
    const run = await runShell(
      `$CLI chat --no-stream "Count the lines" < ${JSON.stringify(new URL("../../../package.json", import.meta.url).pathname)}`,
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const body = server.requests[0]?.body as { messages: { content: string }[] };
    assert.match(body.messages[0]!.content, /^Count the lines\n\n\{\n {2}"name": "director-llm"/);
  });

  it("plain http off loopback needs --allow-insecure-http or OPENAI_ALLOW_INSECURE_HTTP", async () => {
    server.script(json(200, completion("reached")));
    // 0.0.0.0 is not a loopback name to the config check, yet connecting to it reaches this
    // machine's loopback server: the test never leaves the host.
    const base = `http://0.0.0.0:${new URL(server.url).port}/v1`;
    const refused = await runCli(["chat", "--no-stream", "--api-base", base, "hi"], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /plain http is allowed only on loopback/);
    assert.match(
      refused.stderr,
      /hint: for plain http to a host that is not loopback, add --allow-insecure-http/,
    );
    const byFlag = await runCli(["chat", "--no-stream", "--allow-insecure-http", "--api-base", base, "hi"], {
      env,
    });
    assert.deepStrictEqual(byFlag, { code: 0, stdout: "reached\n", stderr: "" });
    const byEnv = await runCli(["chat", "--no-stream", "hi"], {
      env: { ...env, OPENAI_API_BASE: base, OPENAI_ALLOW_INSECURE_HTTP: "1" },
    });
    assert.deepStrictEqual(byEnv, { code: 0, stdout: "reached\n", stderr: "" });
  });

  it("a bad base URL exits 2 whether it came from a flag or the environment", async () => {
    const byFlag = await runCli(["chat", "--api-base", "ftp://x", "hi"], { env });
    const byEnv = await runCli(["chat", "hi"], { env: { ...env, OPENAI_API_BASE: "ftp://x" } });
    assert.equal(byFlag.code, 2);
    assert.equal(byEnv.code, 2);
    assert.match(byEnv.stderr, /OPENAI_API_BASE/);
  });

  it("--json with an answer that is not JSON exits 1 and says so, with the library's warning", async () => {
    server.script(json(200, completion("Sure! Here it is: {oops")));
    const run = await runCli(["chat", "--json", "--no-stream", "give me json"], { env });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "Sure! Here it is: {oops\n");
    assert.match(run.stderr, /^warning: .*not valid JSON/m);
    assert.match(run.stderr, /^error: the answer is not a JSON object \(--json\)$/m);
  });

  it("a tool call with invalid arguments prints the raw text and why, not {}", async () => {
    const call = { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"id": 4' } };
    server.script(
      json(200, {
        ...completion(null),
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: null, tool_calls: [call] },
            finish_reason: "tool_calls",
          },
        ],
      }),
    );
    const run = await runCli(["chat", "--no-stream", "look it up"], { env });
    assert.equal(run.code, 0);
    assert.match(run.stderr, /^tool call: lookup with invalid arguments \(.+\): \{"id": 4$/m);
  });

  it("hints: a cut stream is not 'is the server running?'", async () => {
    server.script(sse(frame([chunk({ content: "half" })], false), { stall: true }));
    const run = await runCli(["chat", "hi"], {
      env,
      onStart: () => afterFirstRequest(server, 150, () => server.destroyConnections()),
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "half\n");
    assert.match(run.stderr, /^error: connection/m);
    assert.match(run.stderr, /hint: the connection broke while the answer was streaming/);
    assert.doesNotMatch(run.stderr, /is the server running/);
  });

  it("hints: a 429 that asks for an hour says so, not 'wait a moment'", async () => {
    server.script(
      json(
        429,
        { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
        { "retry-after": "3600" },
      ),
    );
    const run = await runCli(["chat", "--no-stream", "hi"], { env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /hint: rate limited; the server asks to wait 1 h before trying again/);
  });

  it("hints: a total_timeout is not 'raise OPENAI_TIMEOUT'", async () => {
    server.script(hang());
    const run = await runCli(["chat", "--no-stream", "hi"], {
      env: { ...env, OPENAI_TOTAL_TIMEOUT: "0.3" },
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: timeout: request exceeded the total_timeout$/m);
    assert.match(run.stderr, /hint: the call ran out of its total_timeout/);
  });

  it("--usage after Ctrl-C reports what arrived, estimated, not 0 tokens", async () => {
    server.script(sse(frame([chunk({ content: "thinking hard" })], false), { stall: true }));
    const run = await runCli(["chat", "--usage", "hi"], {
      env,
      onStart: (child) => afterFirstRequest(server, 150, () => child.kill("SIGINT")),
    });
    assert.equal(run.code, 130);
    assert.equal(run.stdout, "thinking hard\n");
    assert.match(
      run.stderr,
      /^usage: \d+ prompt \+ 2 completion = \d+ tokens, cost \$\d\.\d{6} \(estimated locally: the stream ended before the server sent usage\)\ninterrupted\n$/,
    );
  });

  it('--version, -m, and clear messages for --max-tokens -5 and --model ""', async () => {
    assert.deepStrictEqual(await runCli(["--version"]), {
      code: 0,
      stdout: `director-llm ${VERSION}\n`,
      stderr: "",
    });
    server.script(json(200, completion("short")));
    const short = await runCli(["chat", "--no-stream", "-m", "gpt-4.1-mini", "hi"], { env });
    assert.equal(short.code, 0);
    assert.equal((server.requests[0]!.body as { model: string }).model, "gpt-4.1-mini");
    const negative = await runCli(["chat", "--max-tokens", "-5", "hi"], { env });
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /^director-llm: --max-tokens must be a positive integer \(got "-5"\)$/m);
    const empty = await runCli(["chat", "--model", "", "hi"], { env });
    assert.equal(empty.code, 2);
    assert.equal(empty.stderr, "director-llm: --model must not be empty\n");
  });
});

describe("the CLI with --provider anthropic", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const claude = claudeMessage("Bonjour", { input_tokens: 9, output_tokens: 3 });

  it("--provider anthropic speaks the Messages API with the ANTHROPIC_* variables", async () => {
    server.script(json(200, claude));
    const run = await runCli(
      ["chat", "--provider", "anthropic", "--no-stream", "--usage", "Say hello in French"],
      {
        env: {
          ANTHROPIC_API_KEY: TEST_KEY,
          ANTHROPIC_API_BASE: `${server.url}/v1`,
          ANTHROPIC_CHAT_MODEL: "claude-haiku-4-5",
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Bonjour\n");
    assert.equal(run.stderr, "usage: 9 prompt + 3 completion = 12 tokens, cost $0.000024\n");
    assert.equal(server.requests[0]?.path, "/v1/messages");
    assert.equal(server.requests[0]?.headers["x-api-key"], TEST_KEY);
  });

  it("a claude-* --model picks Anthropic; ANTHROPIC_BASE_URL is an origin without /v1", async () => {
    server.script(json(200, claude));
    const run = await runCli(["chat", "--no-stream", "-m", "claude-haiku-4-5", "hi"], {
      env: { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: server.url },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.requests[0]?.path, "/v1/messages");
  });

  it("--provider google (or a gemini-* --model) speaks Gemini with GOOGLEAI_* and x-goog-api-key", async () => {
    server.script(
      json(200, {
        candidates: [{ content: { role: "model", parts: [{ text: "Bonjour" }] }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 },
        modelVersion: "gemini-2.5-flash",
      }),
    );
    const run = await runCli(["chat", "--no-stream", "--usage", "-m", "gemini-2.5-flash", "hi"], {
      env: { GEMINI_API_KEY: TEST_KEY, GOOGLEAI_API_BASE: `${server.url}/v1beta` },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Bonjour\n");
    assert.equal(run.stderr, "usage: 9 prompt + 3 completion = 12 tokens, cost $0.000010\n");
    assert.equal(server.requests[0]?.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(server.requests[0]?.headers["x-goog-api-key"], TEST_KEY);
    const missing = await runCli(["chat", "--provider", "google", "hi"], { env: {} });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /GOOGLEAI_API_KEY/);
  });

  it("models --provider lists one provider's rows; models --json prints them as JSON", async () => {
    const google = await runCli(["models", "--provider", "google"]);
    assert.equal(google.code, 0);
    const rows = google.stdout.trim().split("\n").slice(1);
    assert.ok(
      rows.length > 5 && rows.every((line) => /\sgoogle\s+GOOGLEAI_API_KEY$/.test(line)),
      google.stdout,
    );
    assert.ok(
      rows.some((line) => /^gemini-2\.5-flash\s+1,048,576\s+65,536\s+yes\s+\$0\.3 \/ \$2\.5\s/.test(line)),
    );
    const anthropic = await runCli(["models", "--provider", "anthropic", "--json"]);
    const parsed = JSON.parse(anthropic.stdout) as Array<{
      provider: string;
      model: string;
      key_env: string;
    }>;
    assert.ok(
      parsed.length > 5 &&
        parsed.every((row) => row.provider === "anthropic" && row.key_env === "ANTHROPIC_API_KEY"),
    );
    const unknown = await runCli(["models", "--provider", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /--provider must be one of openai, anthropic, google, videodb, xai, .* \(got "nope"\)/,
    );
  });

  it('--model takes "provider/model" strings: groq/llama-3.3-70b-versatile goes to Groq with GROQ_*', async () => {
    server.script(json(200, completion("Hola")));
    const run = await runCli(["chat", "--no-stream", "--model", "groq/llama-3.3-70b-versatile", "hi"], {
      env: { GROQ_API_KEY: TEST_KEY, GROQ_API_BASE: `${server.url}/openai/v1` },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Hola\n");
    assert.equal(server.requests[0]?.path, "/openai/v1/chat/completions");
    assert.equal((server.requests[0]!.body as { model: string }).model, "llama-3.3-70b-versatile");
    assert.equal(server.requests[0]?.headers["authorization"], `Bearer ${TEST_KEY}`);
    const missing = await runCli(["chat", "--model", "groq/llama-3.3-70b-versatile", "hi"], { env: {} });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /GROQ_API_KEY/);
  });

  it("a missing Anthropic key names ANTHROPIC_API_KEY", async () => {
    const run = await runCli(["chat", "--provider", "anthropic", "hi"], { env: {} });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ANTHROPIC_API_KEY/);
  });

  it("a flag's bad value names the flag; ftp:// is not an http problem; stdout full or closed is a failure, said in one line", async () => {
    const hot = await runCli(["chat", "--temperature", "3", "hi"], { env: { OPENAI_API_KEY: TEST_KEY } });
    assert.equal(hot.code, 2);
    assert.equal(hot.stderr.split("\n")[0], "director-llm: --temperature must be between 0 and 2 (got 3)");
    const ftp = await runCli(["chat", "--api-base", "ftp://127.0.0.1/v1", "hi"], {
      env: { OPENAI_API_KEY: TEST_KEY },
    });
    assert.equal(ftp.code, 2);
    assert.match(ftp.stderr, /--api-base must use http or https/);
    assert.doesNotMatch(ftp.stderr, /allow-insecure-http/);
    const openaiEnv = { OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: `${server.url}/v1` };
    server.script(json(200, completion("an answer")));
    const full = await runShell("$CLI chat --no-stream hi > /dev/full", openaiEnv);
    assert.equal(full.code, 1);
    assert.match(full.stderr, /^director-llm: the answer could not be written to stdout \(ENOSPC: /m);
    assert.doesNotMatch(full.stderr, /\n\s+at /, "no stack trace");
    const closed = await runShell(
      `bash -c '$CLI chat --no-stream hi | (exec 0<&-; true); echo "status=\${PIPESTATUS[0]}" >&2'`,
      openaiEnv,
    );
    assert.match(closed.stderr, /the answer could not be written to stdout \(stdout was closed\)/);
    assert.match(closed.stderr, /status=1/);
  });
});
