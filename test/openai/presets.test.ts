import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ChatMessage,
  ConfigError,
  get_llm,
  InvalidArgumentError,
  LiteLLM,
  LLMResponseStatus,
  MiniMax,
  MistralAI,
  OPENAI_PRESETS,
  OpenAIPresetConfig,
  type StreamPart,
  VideoDBProxy,
  VideoDBProxyConfig,
  XAI,
} from "../../src/index.js";
import { nineCharId } from "../../src/openai/preset-quirks.js";
import { TEST_KEY } from "../helpers/client.js";
import { GEMINI_FIXTURES_DIR, replay } from "../helpers/fixtures.js";
import { completion, json } from "../helpers/handlers.js";
import { chunk, frame, sse, usageChunk } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const HI = [{ role: "user" as const, content: "hi" }];
const refuses = (argument: string, pattern: RegExp) => (error: unknown) =>
  error instanceof InvalidArgumentError && error.argument === argument && pattern.test(error.message);

/** The documented default base and model of each preset (docs/providers.md). */
const DEFAULTS: Record<string, [string | undefined, string]> = {
  videodb: ["https://api.videodb.io", "gpt-4o-2024-11-20"],
  xai: ["https://api.x.ai/v1", "grok-4"],
  mistral: ["https://api.mistral.ai/v1", "mistral-medium-latest"],
  minimax: ["https://api.minimax.io/v1", "MiniMax-M2.7"],
  evolink: ["https://direct.evolink.ai/v1", "gpt-5.2"],
  litellm: [undefined, "gpt-4o"],
  deepseek: ["https://api.deepseek.com/v1", "deepseek-chat"],
  groq: ["https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"],
  openrouter: ["https://openrouter.ai/api/v1", "openai/gpt-4o-mini"],
  together: ["https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo"],
  fireworks: ["https://api.fireworks.ai/inference/v1", "accounts/fireworks/models/llama-v3p3-70b-instruct"],
  cerebras: ["https://api.cerebras.ai/v1", "llama-3.3-70b"],
  ollama: ["http://127.0.0.1:11434/v1", "llama3.2"],
  lmstudio: ["http://127.0.0.1:1234/v1", "local-model"],
  vllm: [undefined, "default"],
  llamacpp: [undefined, "default"],
  "google-openai": ["https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.5-flash"],
};

describe("OpenAI-compatible presets: one table row each", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("every preset has its documented base, model and env names; the key comes from its own variable", () => {
    assert.deepStrictEqual(Object.keys(OPENAI_PRESETS).sort(), Object.keys(DEFAULTS).sort());
    for (const [name, [base, model]] of Object.entries(DEFAULTS)) {
      const preset = OPENAI_PRESETS[name as keyof typeof OPENAI_PRESETS];
      const keyVar = "env" in preset ? preset.env.api_key[0]! : `${preset.env_prefix}API_KEY`;
      const baseVar = "env" in preset ? preset.env.api_base[0]! : `${preset.env_prefix}API_BASE`;
      const env = {
        [keyVar]: `key-of-${name}`,
        ...(base === undefined ? { [baseVar]: "http://127.0.0.1:9/v1" } : {}),
      };
      const config = new OpenAIPresetConfig(preset, {}, env);
      assert.equal(config.api_base, base ?? "http://127.0.0.1:9/v1", name);
      assert.equal(config.chat_model, model, name);
      assert.equal(config.api_key, `key-of-${name}`, name);
      assert.equal(config.llm_type, preset.llm_type, name);
    }
  });

  it("each sends to {api_base}/chat/completions with a bearer key (a stand-in for local servers that take none)", async () => {
    for (const name of Object.keys(DEFAULTS)) {
      const preset = OPENAI_PRESETS[name as keyof typeof OPENAI_PRESETS];
      const baseVar = "env" in preset ? preset.env.api_base[0]! : `${preset.env_prefix}API_BASE`;
      const local = "placeholder_key" in preset;
      const keyVar = "env" in preset ? preset.env.api_key[0]! : `${preset.env_prefix}API_KEY`;
      server.script(json(200, completion("Hello!")));
      const llm = get_llm(
        name,
        { rate_limit: false, max_retries: 0 },
        {
          [baseVar]: `${server.url}/v1`,
          ...(local ? {} : { [keyVar]: TEST_KEY }),
        },
      );
      const res = await llm.chat_completions(HI);
      assert.equal(res.status, LLMResponseStatus.SUCCESS, name);
      assert.equal(server.requests[0]?.path, "/v1/chat/completions", name);
      assert.equal(
        server.requests[0]?.headers["authorization"],
        `Bearer ${local ? preset.placeholder_key : TEST_KEY}`,
        name,
      );
    }
  });

  it("VideoDBProxy: VIDEO_DB_API_KEY and VIDEO_DB_BASE_URL, requests to {base}/chat/completions; a missing key names it", async () => {
    server.script(json(200, completion("Hello!")));
    const llm = new VideoDBProxy(
      new VideoDBProxyConfig(
        { rate_limit: false },
        { VIDEO_DB_API_KEY: TEST_KEY, VIDEO_DB_BASE_URL: server.url },
      ),
    );
    const res = await llm.chat_completions(HI);
    assert.equal(res.status, LLMResponseStatus.SUCCESS);
    assert.equal(server.requests[0]?.path, "/chat/completions");
    assert.equal((server.requests[0]!.body as { model: string }).model, "gpt-4o-2024-11-20");
    assert.equal(llm.config.llm_type, "videodb_proxy");
    assert.throws(
      () => new VideoDBProxyConfig({}, {}),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.env_var === "VIDEO_DB_API_KEY" &&
        /VIDEO_DB_API_KEY/.test(error.message),
    );
  });

  it("a server without a default address needs one: LiteLLM names LITELLM_API_BASE", () => {
    assert.throws(
      () => new LiteLLM({ api_key: "k" }),
      (error: unknown) =>
        error instanceof ConfigError && error.option === "api_base" && /LITELLM_API_BASE/.test(error.message),
    );
  });

  it("new XAI() reads XAI_* like the other providers", () => {
    const saved = { key: process.env["XAI_API_KEY"], model: process.env["XAI_CHAT_MODEL"] };
    process.env["XAI_API_KEY"] = "xai-key";
    process.env["XAI_CHAT_MODEL"] = "grok-4-fast";
    try {
      const llm = new XAI();
      assert.equal(llm.config.api_key, "xai-key");
      assert.equal(llm.config.chat_model, "grok-4-fast");
      assert.equal(llm.constructor.name, "XAI");
    } finally {
      for (const [name, value] of [
        ["XAI_API_KEY", saved.key],
        ["XAI_CHAT_MODEL", saved.model],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });

  it("MiniMax: <think> text moves to reasoning, unstreamed and streamed (tags split across chunks)", async () => {
    server.script(json(200, completion("<think>The user greets.</think>\n\nHello there!")));
    const llm = new MiniMax({ api_key: TEST_KEY, api_base: `${server.url}/v1`, rate_limit: false });
    const res = await llm.chat_completions(HI);
    assert.equal(res.content, "Hello there!");
    assert.equal(res.reasoning, "The user greets.");
    server.script(
      sse(
        frame([
          chunk({ content: "<thi" }),
          chunk({ content: "nk>Greeting" }),
          chunk({ content: " noted.</th" }),
          chunk({ content: "ink>\n\nHel" }),
          chunk({ content: "lo!" }, "stop"),
          usageChunk(5, 9),
        ]),
      ),
    );
    const stream = llm.stream_chat_completions(HI);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const joined = (type: string) =>
      parts
        .filter((part) => part.type === type)
        .map((part) => (part as { text: string }).text)
        .join("");
    assert.equal(joined("reasoning-delta"), "Greeting noted.");
    assert.equal(joined("text-delta"), "\n\nHello!");
    const streamed = await stream.response;
    assert.equal(streamed.content, "Hello!");
    assert.equal(streamed.reasoning, "Greeting noted.");
  });

  it("MiniMax: a temperature above 1 is refused, per call and in the config (Director clamped it silently)", () => {
    const llm = new MiniMax({ api_key: "k", rate_limit: false });
    assert.throws(
      () => llm.stream_chat_completions(HI, { temperature: 1.5 }),
      refuses("temperature", /MiniMax takes a temperature from 0 to 1 \(got 1.5\)/),
    );
    assert.throws(
      () => new MiniMax({ api_key: "k", temperature: 1.2 }),
      (error: unknown) => error instanceof ConfigError && error.option === "temperature",
    );
  });

  it("Mistral: tool-call ids from another provider are mapped to 9 characters, the same in calls and results, every time", async () => {
    server.script(json(200, completion("ok")));
    const llm = new MistralAI({ api_key: TEST_KEY, api_base: `${server.url}/v1`, rate_limit: false });
    const history = [
      { role: "user" as const, content: "weather?" },
      {
        role: "assistant" as const,
        content: "",
        tool_calls: [
          {
            id: "toolu_01A09q90qw90lq917835lq9",
            tool: { name: "weather", arguments: {} },
            type: "function" as const,
          },
          { id: "abcDEF123", tool: { name: "weather", arguments: {} }, type: "function" as const },
        ],
      },
      { role: "tool" as const, tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "snow" },
      { role: "tool" as const, tool_call_id: "abcDEF123", content: "sun" },
    ];
    await llm.chat_completions(history);
    const sent = server.requests[0]!.body as {
      messages: Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    };
    const mapped = nineCharId("toolu_01A09q90qw90lq917835lq9");
    assert.match(mapped, /^[a-zA-Z0-9]{9}$/);
    assert.deepStrictEqual(
      sent.messages[1]!.tool_calls!.map((call) => call.id),
      [mapped, "abcDEF123"],
    );
    assert.deepStrictEqual(
      [sent.messages[2]!.tool_call_id, sent.messages[3]!.tool_call_id],
      [mapped, "abcDEF123"],
    );
    assert.equal(
      history[1]!.tool_calls![0]!.id,
      "toolu_01A09q90qw90lq917835lq9",
      "the caller's history is not changed",
    );
    assert.equal(nineCharId("toolu_01A09q90qw90lq917835lq9"), mapped);
  });

  it("Gemini's OpenAI-compatible endpoint: the recorded signature is kept and sent back; an empty id gets a unique one", async () => {
    server.script(
      replay("openai-compat-tool-call-empty-id.json", GEMINI_FIXTURES_DIR),
      replay("openai-compat-tool-result-followup.json", GEMINI_FIXTURES_DIR),
    );
    const llm = get_llm(
      "google-openai/gemini-2.5-pro-preview-05-06",
      { rate_limit: false },
      {
        GEMINI_API_KEY: TEST_KEY,
        GOOGLEAI_OPENAI_API_BASE: `${server.url}/v1beta/openai`,
      },
    );
    const messages: ChatMessage[] = [{ role: "user", content: "What is the current time?" }];
    const res = await llm.chat_completions(messages, {
      tools: [{ name: "get_current_time", description: "Get the current time." }],
    });
    assert.equal(res.tool_calls.length, 1);
    assert.match(res.tool_calls[0]!.id, /^call_[0-9a-f]{24}$/);
    assert.ok(res.tool_calls[0]!.thought_signature?.startsWith("AVSoXO4AzAXs7GGvOY63"));
    assert.equal(server.requests[0]!.headers["authorization"], `Bearer ${TEST_KEY}`);
    assert.equal(server.requests[0]!.path, "/v1beta/openai/chat/completions");
    messages.push(res.assistant_message, {
      role: "tool",
      tool_call_id: res.tool_calls[0]!.id,
      content: "Noon",
    });
    const followup = await llm.chat_completions(messages, { tools: [{ name: "get_current_time" }] });
    assert.equal(followup.content, "The current time is Noon.");
    const sent = server.requests[1]!.body as {
      messages: Array<{ tool_calls?: Array<Record<string, unknown>> }>;
    };
    assert.deepStrictEqual(sent.messages[1]!.tool_calls![0]!["extra_content"], {
      google: { thought_signature: res.tool_calls[0]!.thought_signature },
    });
    assert.ok(
      followup.thought_signature?.startsWith("AVSoXO4/lu90Bn7IxVcWAjD6"),
      "the text's signature is kept too",
    );
  });

  it("Gemini's compatible endpoint: streamed parallel calls with no index and no id stay separate; its unknown fields are refused", async () => {
    server.script(
      sse(
        frame([
          chunk({
            role: "assistant",
            tool_calls: [
              { id: "", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
            ],
          }),
          chunk(
            {
              tool_calls: [
                { id: "", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
              ],
            },
            "tool_calls",
          ),
          usageChunk(10, 5),
        ]),
      ),
    );
    const llm = get_llm(
      "google-openai",
      { rate_limit: false },
      { GEMINI_API_KEY: TEST_KEY, GOOGLEAI_OPENAI_API_BASE: `${server.url}/v1beta/openai` },
    );
    const res = await llm.stream_chat_completions(HI, { tools: [{ name: "weather" }] }).response;
    assert.deepStrictEqual(
      res.tool_calls.map((call) => call.tool.arguments),
      [{ city: "Oslo" }, { city: "Rome" }],
    );
    assert.notEqual(res.tool_calls[0]!.id, res.tool_calls[1]!.id);
    for (const name of ["frequency_penalty", "presence_penalty", "seed", "logit_bias", "extra_body"])
      await assert.rejects(
        llm.chat_completions(HI, {
          [name]: name === "logit_bias" ? { "1": 1 } : name === "extra_body" ? { x: 1 } : 1,
        }),
        refuses(name, /Gemini's OpenAI-compatible endpoint refuses it/),
        name,
      );
  });

  it("Groq refuses logprobs before sending, naming Groq", async () => {
    const llm = get_llm("groq/llama-3.3-70b-versatile", { rate_limit: false }, { GROQ_API_KEY: "k" });
    await assert.rejects(
      llm.chat_completions(HI, { logprobs: true }),
      refuses("logprobs", /Groq refuses it/),
    );
  });

  it("a preset with a price table prices its own models (DeepSeek, cache hits apart), and no others", async () => {
    server.script(
      json(
        200,
        completion("ok", {
          model: "deepseek-chat",
          usage: {
            prompt_tokens: 1000,
            completion_tokens: 100,
            total_tokens: 1100,
            prompt_tokens_details: { cached_tokens: 200 },
          },
        }),
      ),
    );
    const llm = get_llm(
      "deepseek/deepseek-chat",
      { rate_limit: false },
      { DEEPSEEK_API_KEY: "k", DEEPSEEK_API_BASE: `${server.url}/v1` },
    );
    const res = await llm.chat_completions(HI);
    assert.equal(res.cost, 0.00063);
    server.script(json(200, completion("ok", { model: "gpt-4o-mini" })));
    assert.equal(
      (await llm.chat_completions(HI, { model: "gpt-4o-mini" })).cost,
      undefined,
      "OpenAI's prices are not DeepSeek's",
    );
  });
});
