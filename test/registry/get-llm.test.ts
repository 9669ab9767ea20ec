import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AnthropicAI,
  type BaseLLM,
  ConfigError,
  FallbackLLM,
  get_default_llm,
  get_llm,
  GoogleAI,
  LLMType,
  OpenAI,
  PROVIDER_NAMES,
  parseModelString,
  VideoDBProxy,
} from "../../src/index.js";

describe("get_llm: one string, any provider", () => {
  it("splits at the first slash and builds the provider with that model", () => {
    const cases: Array<[string, string, string, string]> = [
      ["openai/gpt-4o", "openai", "gpt-4o", "OPENAI_API_KEY"],
      ["anthropic/claude-haiku-4-5", "anthropic", "claude-haiku-4-5", "ANTHROPIC_API_KEY"],
      ["google/gemini-2.5-flash", "googleai", "gemini-2.5-flash", "GOOGLEAI_API_KEY"],
      ["videodb/gpt-4o", "videodb_proxy", "gpt-4o", "VIDEO_DB_API_KEY"],
      ["groq/llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile", "GROQ_API_KEY"],
      [
        "openrouter/anthropic/claude-sonnet-4-5",
        "openrouter",
        "anthropic/claude-sonnet-4-5",
        "OPENROUTER_API_KEY",
      ],
    ];
    for (const [text, llmType, model, keyVar] of cases) {
      const llm = get_llm(text, {}, { [keyVar]: "k" });
      assert.equal(llm.config.llm_type, llmType, text);
      assert.equal(llm.config.chat_model, model, text);
    }
    assert.deepStrictEqual(parseModelString("openrouter/anthropic/claude-sonnet-4-5"), {
      provider: "openrouter",
      model: "anthropic/claude-sonnet-4-5",
    });
  });

  it("takes the provider's own config keys; a provider name alone gives its default model", () => {
    const llm = get_llm("anthropic", { api_key: "k", max_tokens: 123, timeout: 5 }, {});
    assert.ok(llm instanceof AnthropicAI);
    assert.deepStrictEqual(
      [llm.config.chat_model, llm.config.max_tokens, llm.config.timeout],
      ["claude-sonnet-4-5", 123, 5],
    );
  });

  it("an unknown provider is a ConfigError listing the known ones", () => {
    assert.throws(
      () => get_llm("nope/model", {}, {}),
      (error: unknown) =>
        error instanceof ConfigError &&
        /names no known provider \("nope"\)/.test(error.message) &&
        PROVIDER_NAMES.every((name) => error.message.includes(name)),
    );
  });
});

describe("get_default_llm: Director's rules", () => {
  const KEYS = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLEAI_API_KEY", "VIDEO_DB_API_KEY"] as const;
  const DEFAULTS = [
    undefined,
    "openai",
    "anthropic",
    "googleai",
    "videodb_proxy",
    "xai",
    "anthropic/claude-haiku-4-5",
  ];

  /** What Director picks: a set key in order wins; else DEFAULT_LLM; else VideoDB (its key set). */
  function expected(keys: ReadonlySet<string>, wanted: string | undefined): string | undefined {
    const provider = wanted?.split("/")[0];
    if (keys.has("OPENAI_API_KEY") || provider === "openai") return "openai";
    if (keys.has("ANTHROPIC_API_KEY") || provider === "anthropic") return "anthropic";
    if (keys.has("GOOGLEAI_API_KEY") || provider === "googleai") return "googleai";
    if (provider === "xai") return "xai";
    if (keys.has("VIDEO_DB_API_KEY") || provider === "videodb_proxy") return "videodb_proxy";
    return undefined;
  }

  it("every combination of keys and DEFAULT_LLM (16 x 7)", () => {
    let checked = 0;
    for (let mask = 0; mask < 16; mask += 1) {
      const keys = new Set(KEYS.filter((_, bit) => mask & (1 << bit)));
      for (const wanted of DEFAULTS) {
        // Every provider needs its key to be built: give each one, but only the chosen keys count as "set".
        const env: Record<string, string> = Object.fromEntries([...keys].map((key) => [key, "k"]));
        if (wanted !== undefined) env["DEFAULT_LLM"] = wanted;
        const want = expected(keys, wanted);
        const label = `keys ${[...keys].join(",") || "none"}, DEFAULT_LLM ${wanted}`;
        if (want === undefined) {
          assert.throws(() => get_default_llm(env), ConfigError, label);
          checked += 1;
          continue;
        }
        let llm: BaseLLM;
        try {
          llm = get_default_llm(env, { api_key: "from-config" });
        } catch (error) {
          assert.fail(`${label}: ${(error as Error).message}`);
        }
        assert.equal(llm.config.llm_type, want, label);
        if (wanted === "anthropic/claude-haiku-4-5" && want === "anthropic")
          assert.equal(llm.config.chat_model, "claude-haiku-4-5", label);
        checked += 1;
      }
    }
    assert.equal(checked, 112);
  });

  it("a key that is set wins over DEFAULT_LLM; the classes are Director's", () => {
    assert.ok(get_default_llm({ OPENAI_API_KEY: "k", DEFAULT_LLM: "anthropic" }) instanceof OpenAI);
    assert.ok(get_default_llm({ ANTHROPIC_API_KEY: "k" }) instanceof AnthropicAI);
    assert.ok(get_default_llm({ GOOGLEAI_API_KEY: "k" }) instanceof GoogleAI);
    assert.ok(get_default_llm({ VIDEO_DB_API_KEY: "k" }) instanceof VideoDBProxy);
    assert.equal(LLMType.VIDEODB_PROXY, "videodb_proxy");
  });

  it("with nothing set, the error lists every variable that would select a provider", () => {
    assert.throws(
      () => get_default_llm({}),
      (error: unknown) =>
        error instanceof ConfigError &&
        ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLEAI_API_KEY", "DEFAULT_LLM", "VIDEO_DB_API_KEY"].every(
          (name) => error.message.includes(name),
        ),
    );
  });

  it("DEFAULT_LLM naming an unknown provider says so", () => {
    assert.throws(() => get_default_llm({ DEFAULT_LLM: "nope/x" }), /names no known provider \("nope"\)/);
  });
});

describe("DEFAULT_LLM as a list", () => {
  it("builds a FallbackLLM over the members, in order", () => {
    const llm = get_default_llm({
      DEFAULT_LLM: "anthropic/claude-sonnet-4-5, openai/gpt-4o",
      ANTHROPIC_API_KEY: "a",
      OPENAI_API_KEY: "o",
    });
    assert.ok(llm instanceof FallbackLLM);
    assert.deepStrictEqual(
      llm.members.map((member) => [member.config.llm_type, member.config.chat_model]),
      [
        ["anthropic", "claude-sonnet-4-5"],
        ["openai", "gpt-4o"],
      ],
    );
  });
});
