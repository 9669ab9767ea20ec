import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TEST_KEY } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { afterFirstRequest, runCli } from "../helpers/run-cli.js";
import { TestServer } from "../helpers/test-server.js";

describe("the director-llm CLI", () => {
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    server = await TestServer.start();
    env = { OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: `${server.url}/v1`, OPENAI_CHAT_MODEL: "gpt-4o-mini" };
  });
  after(() => server.close());

  it("chat streams the answer alone to stdout", async () => {
    server.script(
      sse(frame([chunk({ content: "Hello" }), chunk({ content: ", world" }), chunk({}, "stop")])),
    );
    const run = await runCli(["chat", "Say", "hello"], { env });
    assert.deepStrictEqual(run, { code: 0, stdout: "Hello, world\n", stderr: "" });
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.deepStrictEqual(body["messages"], [{ role: "user", content: "Say hello" }]);
    assert.equal(body["stream"], true);
    assert.equal(body["model"], "gpt-4o-mini");
  });

  it("reads the prompt from stdin, and --no-stream --model --system --max-tokens --temperature --usage", async () => {
    server.script(json(200, completion("Paris")));
    const run = await runCli(
      [
        "chat",
        "--no-stream",
        "--model",
        "gpt-4.1",
        "--system",
        "Be brief.",
        "--max-tokens",
        "20",
        "--temperature",
        "0",
        "--usage",
      ],
      { env, stdin: "Capital of France?\n" },
    );
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "Paris\n");
    // Priced as the model the server says answered (gpt-4o-mini-2024-07-18), not the one asked for.
    assert.equal(run.stderr, "usage: 11 prompt + 7 completion = 18 tokens, cost $0.000006\n");
    assert.deepStrictEqual(server.requests[0]?.body, {
      model: "gpt-4.1",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Capital of France?" },
      ],
      max_tokens: 20,
      temperature: 0,
      top_p: 1,
    });
  });

  it("--json asks for json_object and --api-base overrides the environment", async () => {
    server.script(json(200, completion('{"a":1}')));
    const run = await runCli(
      ["chat", "--json", "--no-stream", "--api-base", `${server.url}/v1`, "give me a"],
      {
        env: { OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: "http://127.0.0.1:1/v1" },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"a":1}\n');
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.deepStrictEqual(body["response_format"], { type: "json_object" });
    assert.deepStrictEqual(body["messages"], [
      { role: "system", content: "Answer with a JSON object." },
      { role: "user", content: "give me a" },
    ]);
  });

  it("a missing key exits 2 (configuration) and says which variable to set", async () => {
    const run = await runCli(["chat", "hi"], { env: { OPENAI_API_BASE: `${server.url}/v1` } });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /OPENAI_API_KEY/);
  });

  it("a refused key exits 1 with the kind, status and a hint, never the key", async () => {
    server.script(
      json(401, { error: { message: `Incorrect API key provided: ${TEST_KEY}.`, code: "invalid_api_key" } }),
    );
    const run = await runCli(["chat", "hi"], { env });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      "error: authentication (HTTP 401): 401 invalid_api_key: Incorrect API key provided: [redacted].\nhint: the API key was refused; set OPENAI_API_KEY to a valid key\n",
    );
  });

  it("an unreachable server exits 1 with a connection hint", async () => {
    const closed = await TestServer.start();
    const base = `${closed.url}/v1`;
    await closed.close();
    const run = await runCli(["chat", "hi"], { env: { OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: base } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: connection: ECONNREFUSED/);
    assert.match(run.stderr, new RegExp(`hint: could not reach ${base}`));
  });

  it("usage errors exit 2: unknown flag, no prompt, bad number, unknown command", async () => {
    for (const args of [
      ["chat", "--bogus", "hi"],
      ["chat"],
      ["chat", "--temperature", "hot", "hi"],
      ["chat", "--temperature", "5", "hi"],
      ["dance"],
    ]) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, args.join(" "));
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /director-llm: /);
    }
  });

  it("models lists the known models with context window and max output", async () => {
    const run = await runCli(["models"]);
    assert.equal(run.code, 0);
    const lines = run.stdout.trim().split("\n");
    assert.match(
      lines[0] ?? "",
      /^model\s+context window\s+max output\s+reasoning\s+price per 1M in \/ out\s+provider\s+key$/,
    );
    assert.ok(
      lines.some((line) =>
        /^gpt-4o-mini\s+128,000\s+16,384\s+\$0\.15 \/ \$0\.6\s+openai\s+OPENAI_API_KEY$/.test(line),
      ),
      run.stdout,
    );
    assert.ok(
      lines.some((line) =>
        /^claude-haiku-4-5\s+200,000\s+64,000\s+yes\s+\$1 \/ \$5\s+anthropic\s+ANTHROPIC_API_KEY$/.test(line),
      ),
      run.stdout,
    );
    assert.ok(
      lines.some((line) =>
        /^o3\s+200,000\s+100,000\s+yes\s+\$2 \/ \$8\s+openai\s+OPENAI_API_KEY$/.test(line),
      ),
      run.stdout,
    );
  });

  it("Ctrl-C aborts the request cleanly and exits 130", async () => {
    server.script(sse(frame([chunk({ content: "thinking" })], false), { stall: true }));
    const run = await runCli(["chat", "hi"], {
      env,
      onStart: (child) => afterFirstRequest(server, 100, () => child.kill("SIGINT")),
    });
    assert.equal(run.code, 130);
    assert.equal(run.stdout, "thinking\n");
    assert.equal(run.stderr, "interrupted\n");
  });
});
