import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { TEST_KEY } from "../helpers/client.js";
import { completion, json } from "../helpers/handlers.js";
import { RedisServer } from "../helpers/redis-server.js";
import { chunk, frame, sse, usageChunk } from "../helpers/sse.js";
import { TestServer, useTestServer } from "../helpers/test-server.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Runs a compiled example as a user would, with only the given provider variables; killed after 20 s. */
function runExample(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(OPENAI_|ANTHROPIC_|GOOGLEAI_|GEMINI_|GOOGLE_API_KEY$|VIDEO_DB_|DEFAULT_LLM$|DIRECTOR_LLM_)/.test(
          key,
        ),
    ),
  );
  const child = spawn(process.execPath, [`${EXAMPLES}${name}.js`, ...args], {
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function calling(name: string, args: Record<string, unknown>) {
  const answer = completion(null);
  const choice = (answer["choices"] as Array<Record<string, unknown>>)[0]!;
  choice["message"] = {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: `call_${name}`, type: "function", function: { name, arguments: JSON.stringify(args) } },
    ],
  };
  choice["finish_reason"] = "tool_calls";
  return json(200, answer);
}

describe("examples/ run as a user runs them, against the loopback test server", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const openai = () => ({ OPENAI_API_KEY: TEST_KEY, OPENAI_API_BASE: `${server.url}/v1` });

  it("director-agent: get_default_llm picks OpenAI from OPENAI_API_KEY; the tools run; the answer prints", async () => {
    server.script(
      calling("search_clips", { query: "cats" }),
      calling("clip_length", { id: "c1" }),
      json(200, completion("The cat clip is c1, 42 seconds long.")),
    );
    const run = await runExample("director-agent", ["Which clip is about cats?"], openai());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "The cat clip is c1, 42 seconds long.\n");
    const results = (
      server.requests[2]!.body as { messages: Array<{ role: string; content: string }> }
    ).messages
      .filter((message) => message.role === "tool")
      .map((message) => message.content);
    assert.deepStrictEqual(results, ['[{"id":"c1","title":"Cats in boxes","seconds":42}]', "42"]);
  });

  it("stream-chat prints the answer as it streams, then the usage", async () => {
    server.script(
      sse(frame([chunk({ content: "Hei, " }), chunk({ content: "hola!" }, "stop"), usageChunk(7, 3)])),
    );
    const run = await runExample("stream-chat", ["hi"], openai());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Hei, hola!\n");
    assert.equal(run.stderr, "7 prompt + 3 completion tokens\n");
  });

  it("structured-output prints the validated object, after one repair", async () => {
    server.script(
      json(200, completion('{"title": "Vault", "start_seconds": "zero", "mood": "tense"}')),
      json(200, completion('{"title": "Vault", "start_seconds": 0, "mood": "tense"}')),
    );
    const run = await runExample("structured-output", [], openai());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"title":"Vault","start_seconds":0,"mood":"tense"}\n');
    assert.equal(server.requests.length, 2);
  });

  it("gemini-video sends the clip as fileData and prints the answer", async () => {
    server.script(
      json(200, {
        candidates: [
          { content: { role: "model", parts: [{ text: "A demo of an AI agent." }] }, finishReason: "STOP" },
        ],
        usageMetadata: { promptTokenCount: 17713, candidatesTokenCount: 9, totalTokenCount: 17722 },
        modelVersion: "gemini-2.5-flash",
      }),
    );
    const run = await runExample("gemini-video", ["https://youtu.be/lCdaVNyHtjU"], {
      GEMINI_API_KEY: TEST_KEY,
      GOOGLEAI_API_BASE: `${server.url}/v1beta`,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "A demo of an AI agent.\n");
    const parts = (server.requests[0]!.body as { contents: Array<{ parts: unknown[] }> }).contents[0]!.parts;
    assert.deepStrictEqual(parts[1], {
      fileData: { mimeType: "video/mp4", fileUri: "https://youtu.be/lCdaVNyHtjU" },
    });
  });

  it("fleet-worker runs its calls through a real Redis budget and exits on its own", async () => {
    const redis = await RedisServer.start();
    try {
      server.script(json(200, completion("one")));
      const run = await runExample("fleet-worker", ["6"], { ...openai(), DIRECTOR_LLM_REDIS_URL: redis.url });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "6 of 6 calls succeeded\n");
      assert.equal(server.requests.length, 6);
    } finally {
      await redis.stop();
    }
  });

  it("fallback: Claude overloaded, OpenAI answers; the example says who answered and why", async () => {
    const claude = await TestServer.start();
    try {
      claude.script(json(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
      server.script(json(200, completion("Drama, comedy, horror.")));
      const run = await runExample("fallback", [], {
        ...openai(),
        ANTHROPIC_API_KEY: TEST_KEY,
        ANTHROPIC_API_BASE: `${claude.url}/v1`,
        ANTHROPIC_MAX_RETRIES: "0",
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "Drama, comedy, horror.\n");
      assert.match(run.stderr, /^anthropic overloaded: 529: Overloaded$/m);
      assert.match(run.stderr, /^answered by openai \(gpt-4o-mini-2024-07-18\) after 2 requests$/m);
    } finally {
      await claude.close();
    }
  });
});
