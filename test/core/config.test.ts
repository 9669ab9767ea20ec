import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import {
  AnthropicAIConfig,
  BaseLLM,
  BaseLLMConfig,
  ConfigError,
  LLMResponse,
  LLMResponseStatus,
  OpenAI,
  OpenAIChatModel,
  OpenAIConfig,
} from "../../src/index.js";

const KEY = "sk-test-0123456789abcdef";

describe("OpenAIConfig", () => {
  it("has the spec's defaults", () => {
    const config = new OpenAIConfig({ api_key: KEY }, {});
    assert.deepStrictEqual(
      [
        config.llm_type,
        config.api_base,
        config.chat_model,
        config.max_tokens,
        config.temperature,
        config.top_p,
        config.timeout,
        config.max_retries,
      ],
      ["openai", "https://api.openai.com/v1", "gpt-4o", 4096, 0.9, 1, 30, 2],
    );
    assert.equal(config.api_key, KEY);
    assert.equal(config.timeout_ms, 30_000);
  });

  it("resolves explicit option, then environment, then default", () => {
    const env = {
      OPENAI_API_KEY: "sk-from-env-000000",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1/",
      OPENAI_CHAT_MODEL: "gpt-4.1",
      OPENAI_MAX_TOKENS: "100",
      OPENAI_TEMPERATURE: "0.2",
      OPENAI_TOP_P: "0.5",
      OPENAI_TIMEOUT: "5",
    };
    const fromEnv = new OpenAIConfig({}, env);
    assert.deepStrictEqual(
      [
        fromEnv.api_key,
        fromEnv.api_base,
        fromEnv.chat_model,
        fromEnv.max_tokens,
        fromEnv.temperature,
        fromEnv.top_p,
        fromEnv.timeout,
      ],
      ["sk-from-env-000000", "http://127.0.0.1:9/v1", "gpt-4.1", 100, 0.2, 0.5, 5],
    );
    const explicit = new OpenAIConfig({ api_key: KEY, chat_model: "gpt-4o-mini", temperature: 0 }, env);
    assert.deepStrictEqual(
      [explicit.api_key, explicit.chat_model, explicit.temperature],
      [KEY, "gpt-4o-mini", 0],
    );
    assert.equal(
      new OpenAIConfig({}, { ...env, OPENAI_API_BASE: "https://a.example/v1" }).api_base,
      "https://a.example/v1",
    );
  });

  const invalid: Array<[string, object, Record<string, string>, string, string | undefined]> = [
    ["a missing key", {}, {}, "api_key", "OPENAI_API_KEY"],
    ["an empty key", { api_key: " " }, {}, "api_key", "OPENAI_API_KEY"],
    ["temperature 2.5", { api_key: KEY, temperature: 2.5 }, {}, "temperature", "OPENAI_TEMPERATURE"],
    ["top_p from env 3", { api_key: KEY }, { OPENAI_TOP_P: "3" }, "top_p", "OPENAI_TOP_P"],
    ["max_tokens 0", { api_key: KEY, max_tokens: 0 }, {}, "max_tokens", "OPENAI_MAX_TOKENS"],
    ["timeout -1", { api_key: KEY, timeout: -1 }, {}, "timeout", "OPENAI_TIMEOUT"],
    ["non-numeric env timeout", { api_key: KEY }, { OPENAI_TIMEOUT: "soon" }, "timeout", "OPENAI_TIMEOUT"],
    [
      "an api_base that is not a URL",
      { api_key: KEY, api_base: "not a url" },
      {},
      "api_base",
      "OPENAI_API_BASE",
    ],
    ["an ftp api_base", { api_key: KEY, api_base: "ftp://x/v1" }, {}, "api_base", "OPENAI_API_BASE"],
    [
      "http off loopback",
      { api_key: KEY, api_base: "http://gpu-box.lan/v1" },
      {},
      "api_base",
      "OPENAI_API_BASE",
    ],
    [
      "credentials in api_base",
      { api_key: KEY, api_base: "https://u:p@h.example/v1" },
      {},
      "api_base",
      "OPENAI_API_BASE",
    ],
  ];
  for (const [name, options, env, option, envVar] of invalid) {
    it(`rejects ${name}, naming ${option} and ${envVar}`, () => {
      assert.throws(
        () => new OpenAIConfig(options, env),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.option === option &&
          error.env_var === envVar &&
          error.message.includes(`"${option}"`) &&
          (envVar === undefined || error.message.includes(envVar)) &&
          !error.message.includes(KEY),
      );
    });
  }

  it("refuses an unknown key, suggesting the option a typo meant, on every provider", () => {
    assert.throws(() => new OpenAIConfig({ api_key: KEY, temprature: 0.2 } as never, {}), {
      name: "ConfigError",
      message:
        'Invalid config "temprature": is not a config option (did you mean "temperature"?); the options are llm_type, api_key, api_base, chat_model, max_tokens, temperature, top_p, timeout, total_timeout, max_retries, max_response_bytes, allow_insecure_http, headers, auth_header, rate_limit, retry, redis_url, telemetry, reasoning_effort, verbosity, service_tier.',
    });
    // Names of Object.prototype are keys like any other; a key far from every option gets no guess.
    for (const key of ["constructor", "bogus"])
      assert.throws(
        () => new OpenAIConfig({ api_key: KEY, [key]: 1 } as never, {}),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.option === key &&
          error.message.startsWith(`Invalid config "${key}": is not a config option; the options are `),
      );
    assert.throws(() => new AnthropicAIConfig({ api_key: KEY, maxTokens: 5 } as never, {}), {
      name: "ConfigError",
      message: /^Invalid config "maxTokens": is not a config option \(did you mean "max_tokens"\?\)/,
    });
  });

  it("refuses unknown keys inside rate_limit, retry and telemetry too", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { rate_limit: { requests_per_minute: 60, tokens_per_min: 1000 } },
        'Invalid config "rate_limit": has no option "tokens_per_min" (did you mean "tokens_per_minute"?); its options are requests_per_minute, tokens_per_minute; set the "rate_limit" option.',
      ],
      [
        { retry: { initial_delay: 100 } },
        'Invalid config "retry": has no option "initial_delay" (did you mean "initial_delay_ms"?); its options are initial_delay_ms, max_delay_ms, max_retry_after_ms; set the "retry" option.',
      ],
      [
        { retry: 3 },
        'Invalid config "retry": must be an object { initial_delay_ms, max_delay_ms, max_retry_after_ms }; set the "retry" option.',
      ],
      [
        { telemetry: { tracer_providers: {} } },
        'Invalid config "telemetry": has no option "tracer_providers" (did you mean "tracer_provider"?); its options are tracer_provider, meter_provider; set the "telemetry" option.',
      ],
    ];
    for (const [options, message] of cases)
      assert.throws(() => new OpenAIConfig({ api_key: KEY, ...options } as never, {}), {
        name: "ConfigError",
        message,
      });
  });

  it("allows plain http off loopback only when asked", () => {
    const config = new OpenAIConfig(
      { api_key: KEY, api_base: "http://gpu-box.lan:11434/v1", allow_insecure_http: true },
      {},
    );
    assert.equal(config.api_base, "http://gpu-box.lan:11434/v1");
  });

  it("is read-only", () => {
    const config = new OpenAIConfig({ api_key: KEY }, {});
    assert.throws(() => {
      (config as { temperature: number }).temperature = 2;
    }, TypeError);
  });

  it("never shows the key in JSON, inspect or the client", () => {
    const config = new OpenAIConfig({ api_key: KEY, headers: { "x-proxy-token": "proxy-secret" } }, {});
    const client = new OpenAI(config);
    for (const text of [
      JSON.stringify(config),
      inspect(config),
      JSON.stringify(client),
      inspect(client, { showHidden: true, depth: 9 }),
    ]) {
      assert.equal(text.includes(KEY), false, text);
      assert.equal(text.includes("proxy-secret"), false, text);
      assert.ok(text.includes("[redacted]"));
    }
  });
});

describe("public exports", () => {
  it("exports the seven names at runtime with Director's values", () => {
    assert.equal(LLMResponseStatus.SUCCESS, true);
    assert.equal(LLMResponseStatus.ERROR, false);
    assert.equal(OpenAIChatModel.GPT4o, "gpt-4o");
    for (const model of [
      "gpt-4",
      "gpt-4-32k",
      "gpt-4-turbo",
      "gpt-4-turbo-preview",
      "gpt-3.5-turbo",
      "gpt-4o",
      "gpt-4o-mini",
      "gpt-4.1",
      "o1",
      "o3",
      "o4-mini",
      "gpt-5",
    ]) {
      assert.ok(Object.values(OpenAIChatModel).includes(model as OpenAIChatModel), model);
    }
    for (const value of [OpenAI, OpenAIConfig, BaseLLM, BaseLLMConfig, LLMResponse])
      assert.equal(typeof value, "function");
    assert.ok(new OpenAI({ api_key: KEY }) instanceof BaseLLM);
    assert.ok(new OpenAIConfig({ api_key: KEY }, {}) instanceof BaseLLMConfig);
  });

  it("new OpenAI() reads the environment", () => {
    const saved = process.env["OPENAI_API_KEY"];
    process.env["OPENAI_API_KEY"] = KEY;
    try {
      assert.equal(new OpenAI().config.api_key, KEY);
    } finally {
      if (saved === undefined) delete process.env["OPENAI_API_KEY"];
      else process.env["OPENAI_API_KEY"] = saved;
    }
  });
});
