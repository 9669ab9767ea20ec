import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import * as z from "zod";
import {
  type ChatMessage,
  ConfigError,
  GoogleAIConfig,
  InvalidArgumentError,
  LLMResponseStatus,
  type ToolCall,
} from "../../src/index.js";
import { buildGeminiRequest } from "../../src/google/build-gemini-request.js";
import type { GeminiRequest } from "../../src/google/gemini-api.js";
import { estimateGeminiTokens } from "../../src/google/count-gemini-tokens.js";
import { TEST_KEY } from "../helpers/client.js";
import { type Exchange, fixtureJson, fixtureText, GEMINI_FIXTURES_DIR, replay } from "../helpers/fixtures.js";
import { geminiFor } from "../helpers/gemini.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const DEFAULTS = { chat_model: "gemini-2.5-flash", max_tokens: 4096 };
const build = (
  messages: readonly ChatMessage[],
  call: Record<string, unknown> = {},
  warnings: string[] = [],
) => buildGeminiRequest({ messages, call, defaults: DEFAULTS, warnings }).body;
const recordedBody = (name: string) =>
  fixtureJson<Exchange>(name, GEMINI_FIXTURES_DIR).request.body as unknown as GeminiRequest;
const refuses = (argument: string, pattern: RegExp) => (error: unknown) =>
  error instanceof InvalidArgumentError && error.argument === argument && pattern.test(error.message);

const WEATHER = {
  name: "weather",
  description: "Gets current weather for a location",
  parameters: {
    type: "object",
    properties: { latitude: { type: "string" }, longitude: { type: "string" } },
    required: ["latitude", "longitude"],
  },
};
const ASK = "What's the weather in Berlin? (52.5200, 13.4050)";

describe("Gemini requests from Director-shape messages (pure)", () => {
  it("rebuilds the recorded tool-result follow-up: the signed functionCall goes back byte for byte", () => {
    const recorded = recordedBody("generate-tool-result-followup.json");
    const call = recorded.contents[1]!.parts[0]!;
    const history: ChatMessage[] = [
      { role: "user", content: ASK },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "call_1",
            tool: { name: "weather", arguments: call.functionCall!.args! },
            type: "function",
            thought_signature: call.thoughtSignature!,
          } as ToolCall,
        ],
      },
      {
        role: "tool",
        tool_call_id: "call_1",
        content: "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
      },
    ];
    const body = build(history, { tools: [WEATHER] });
    assert.deepStrictEqual(body.contents[0], recorded.contents[0]);
    assert.deepStrictEqual(body.contents[1], {
      role: "model",
      parts: [
        { functionCall: { id: "call_1", ...call.functionCall! }, thoughtSignature: call.thoughtSignature! },
      ],
    });
    assert.deepStrictEqual(body.contents[2], {
      role: "user",
      parts: [
        {
          functionResponse: {
            id: "call_1",
            name: "weather",
            response: { result: "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h" },
          },
        },
      ],
    });
  });

  it("rebuilds the recorded Gemini 3 follow-up with client ids and a URL-safe signature, unchanged", () => {
    const recorded = recordedBody("stream-gemini3-after-tool-result.json");
    const model = recorded.contents[1]!.parts[0]!;
    const result = recorded.contents[2]!.parts[0]!.functionResponse!;
    const body = build([
      { role: "user", content: "What is the capital of the user country? Call the tool" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: model.functionCall!.id!,
            tool: { name: "get_country", arguments: {} },
            type: "function",
            thought_signature: model.thoughtSignature!,
          },
        ],
      },
      { role: "tool", tool_call_id: result.id!, content: result.response },
    ]);
    assert.deepStrictEqual(body.contents, recorded.contents);
  });

  it("rebuilds the recorded YouTube video request from a neutral media part", () => {
    const recorded = recordedBody("generate-youtube-video-input.json");
    const body = build([
      { role: "system", content: "You are a helpful chatbot." },
      {
        role: "user",
        content: [
          { type: "text", text: "Explain me this video in a few sentences" },
          { type: "media", url: "https://youtu.be/lCdaVNyHtjU", media_type: "video/mp4" },
        ],
      },
    ]);
    assert.deepStrictEqual(body.contents, recorded.contents);
    assert.deepStrictEqual(body.systemInstruction?.parts, recorded.systemInstruction?.parts);
  });

  it("parallel results go into one user turn; a string result is wrapped, a failed one under error", () => {
    const body = build([
      { role: "user", content: "two cities" },
      {
        role: "assistant",
        content: "Checking both.",
        tool_calls: [
          { id: "a", tool: { name: "weather", arguments: { city: "Oslo" } }, type: "function" },
          { id: "b", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "a", content: { sky: "snow" } },
      { role: "tool", tool_call_id: "b", content: "timeout", is_error: true },
    ]);
    assert.deepStrictEqual(body.contents.slice(1), [
      {
        role: "model",
        parts: [
          { text: "Checking both." },
          { functionCall: { id: "a", name: "weather", args: { city: "Oslo" } } },
          { functionCall: { id: "b", name: "weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "a", name: "weather", response: { sky: "snow" } } },
          { functionResponse: { id: "b", name: "weather", response: { error: "timeout" } } },
        ],
      },
    ]);
  });

  it("the answer's own signature goes back on its text, or on an empty text part when it had none", () => {
    const withText = build([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello", thought_signature: "c2ln" },
      { role: "user", content: "again" },
    ]);
    assert.deepStrictEqual(withText.contents[1], {
      role: "model",
      parts: [{ text: "Hello", thoughtSignature: "c2ln" }],
    });
    const empty = build([
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: "",
        thought_signature: "c2ln",
        tool_calls: [{ id: "x", tool: { name: "f", arguments: {} }, type: "function" }],
      },
    ]);
    assert.deepStrictEqual(empty.contents[1]!.parts[0], { text: "", thoughtSignature: "c2ln" });
  });

  it("a history from another provider (Claude thinking blocks, no signatures) still sends, without them", () => {
    const body = build([
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: "Sure",
        thinking: [{ type: "thinking", thinking: "hmm", signature: "claude-sig" }],
        tool_calls: [{ id: "toolu_1", tool: { name: "f", arguments: {} }, type: "function" }],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "ok" },
    ]);
    assert.equal(JSON.stringify(body).includes("claude-sig"), false);
    assert.equal(body.contents.length, 3);
  });

  it("system and developer messages join systemInstruction; same-role turns merge", () => {
    const body = build([
      { role: "system", content: "Be brief." },
      { role: "developer", content: "Answer in French." },
      { role: "user", content: "one" },
      { role: "user", content: [{ type: "text", text: "two" }] },
    ]);
    assert.deepStrictEqual(body.systemInstruction, {
      parts: [{ text: "Be brief." }, { text: "Answer in French." }],
    });
    assert.deepStrictEqual(body.contents, [{ role: "user", parts: [{ text: "one" }, { text: "two" }] }]);
  });

  it("media: data URLs and bytes inline, URLs and file URIs by reference, OpenAI's image_url and input_audio mapped", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const body = build([
      {
        role: "user",
        content: [
          { type: "media", data: png, media_type: "image/png" },
          { type: "media", url: `data:application/pdf;base64,${png.toString("base64")}` },
          {
            type: "media",
            file: "https://generativelanguage.googleapis.com/v1beta/files/abc",
            media_type: "video/mp4",
          },
          { type: "image_url", image_url: { url: "https://example.test/cat.JPG" } },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
        ],
      },
    ]);
    assert.deepStrictEqual(body.contents[0]!.parts, [
      { inlineData: { mimeType: "image/png", data: png.toString("base64") } },
      { inlineData: { mimeType: "application/pdf", data: png.toString("base64") } },
      {
        fileData: {
          mimeType: "video/mp4",
          fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc",
        },
      },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.test/cat.JPG" } },
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
    ]);
  });

  it("anything that cannot be sent is refused, naming the argument", () => {
    assert.throws(
      () => build([{ role: "user", content: [{ type: "media", url: "https://example.test/clip" }] }]),
      refuses("messages[0].content[0].media_type", /required for a URL or file on Gemini/),
    );
    assert.throws(
      () =>
        build([
          {
            role: "user",
            content: [{ type: "media", url: "https://a.test/x.mp4", data: "AA==", media_type: "video/mp4" }],
          },
        ]),
      refuses("messages[0].content[0]", /exactly one of url, data or file \(got url and data\)/),
    );
    assert.throws(
      () =>
        build([
          {
            role: "user",
            content: [{ type: "media", url: "data:image/png;base64,AA==", media_type: "image/jpeg" }],
          },
        ]),
      refuses("messages[0].content[0].media_type", /says image\/jpeg but the data: URL says image\/png/),
    );
    assert.throws(
      () =>
        build([
          { role: "user", content: "hi" },
          { role: "tool", tool_call_id: "nope", content: "x" },
        ]),
      refuses("messages[1].tool_call_id", /no earlier assistant turn has a tool call with id "nope"/),
    );
    assert.throws(
      () => build([{ role: "system", content: "alone" }]),
      refuses("messages", /needs a user message/),
    );
    assert.throws(
      () => build([{ role: "user", content: [{ type: "refusal", refusal: "x" }] }]),
      refuses("messages[0].content[0].type", /Gemini cannot take a "refusal" part/),
    );
    assert.throws(
      () =>
        build([
          { role: "user", content: "hi" },
          { role: "robot" as "user", content: "x" },
        ]),
      refuses("messages[1].role", /unknown role/),
    );
  });

  it("inline media over Gemini's 20 MB request limit is refused before sending, naming the Files API", () => {
    const big = Buffer.alloc(16 * 1024 * 1024);
    assert.throws(
      () => build([{ role: "user", content: [{ type: "media", data: big, media_type: "video/mp4" }] }]),
      refuses("messages", /over Gemini's 20 MB request limit; upload it through the Gemini Files API/),
    );
  });
});

describe("Gemini options, tools and tool_choice (pure)", () => {
  const HI: ChatMessage[] = [{ role: "user", content: "hi" }];

  it("tools become functionDeclarations with parametersJsonSchema; $schema dropped, const as enum", () => {
    const body = build(HI, {
      tools: [
        {
          type: "function",
          function: {
            name: "pick",
            description: "Pick one",
            parameters: {
              $schema: "https://json-schema.org/draft/2020-12/schema",
              type: "object",
              properties: { kind: { const: "a" }, enum: { type: "string" } },
              required: ["kind"],
              additionalProperties: false,
            },
          },
        },
      ],
    });
    assert.deepStrictEqual(body.tools, [
      {
        functionDeclarations: [
          {
            name: "pick",
            description: "Pick one",
            parametersJsonSchema: {
              type: "object",
              properties: { kind: { enum: ["a"] }, enum: { type: "string" } },
              required: ["kind"],
              additionalProperties: false,
            },
          },
        ],
      },
    ]);
    assert.deepStrictEqual(body.toolConfig, { functionCallingConfig: { mode: "AUTO" } });
  });

  it("tool_choice: none, required and a named function", () => {
    const config = (tool_choice: unknown) => build(HI, { tools: [WEATHER], tool_choice }).toolConfig;
    assert.deepStrictEqual(config("none"), { functionCallingConfig: { mode: "NONE" } });
    assert.deepStrictEqual(config("required"), { functionCallingConfig: { mode: "ANY" } });
    assert.deepStrictEqual(config({ type: "function", function: { name: "weather" } }), {
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] },
    });
    assert.throws(
      () => config({ type: "function", function: { name: "nope" } }),
      refuses("tool_choice.function.name", /names no tool/),
    );
  });

  it("options map to generationConfig", () => {
    const body = build(HI, {
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: { type: "json_object" },
    });
    assert.deepStrictEqual(body.generationConfig, {
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ["END"],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: "application/json",
    });
  });

  it("json_schema is responseJsonSchema", () => {
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"] };
    const body = build(HI, { response_format: { type: "json_schema", json_schema: { name: "r", schema } } });
    assert.equal(body.generationConfig.responseMimeType, "application/json");
    assert.deepStrictEqual(body.generationConfig.responseJsonSchema, schema);
  });

  it("reasoning_effort is a thinkingLevel on Gemini 3 and a thinkingBudget on 2.5, never both", () => {
    const thinking = (model: string, call: Record<string, unknown>) =>
      build(HI, { model, ...call }).generationConfig.thinkingConfig;
    assert.deepStrictEqual(
      thinking("gemini-3-pro-preview", { reasoning_effort: "low", include_thoughts: true }),
      {
        thinkingLevel: "low",
        includeThoughts: true,
      },
    );
    assert.deepStrictEqual(thinking("gemini-2.5-flash", { reasoning_effort: "none" }), { thinkingBudget: 0 });
    assert.deepStrictEqual(thinking("gemini-2.5-pro-preview-06-05", { reasoning_effort: "high" }), {
      thinkingBudget: 24576,
    });
    assert.deepStrictEqual(thinking("gemini-2.5-flash", { thinking_budget: 2048 }), { thinkingBudget: 2048 });
    assert.throws(
      () => thinking("gemini-3-flash-preview", { reasoning_effort: "none" }),
      refuses("reasoning_effort", /cannot turn thinking off/),
    );
    assert.throws(
      () => thinking("gemini-2.5-flash", { reasoning_effort: "low", thinking_budget: 1024 }),
      refuses("thinking_budget", /not both/),
    );
    assert.throws(
      () => thinking("gemini-2.0-flash", { reasoning_effort: "low" }),
      refuses("reasoning_effort", /does not think/),
    );
  });

  it("options Gemini has no equivalent for are refused, naming them; extra_body merges into generationConfig", () => {
    for (const [name, value] of [
      ["logit_bias", { "1": 1 }],
      ["store", true],
      ["user", "u1"],
      ["parallel_tool_calls", false],
      ["service_tier", "flex"],
    ] as const)
      assert.throws(() => build(HI, { [name]: value }), refuses(name, /leave it out/), name);
    const body = build(HI, {
      max_tokens: 9,
      extra_body: { generationConfig: { candidateCount: 1 }, cachedContent: "cachedContents/x" },
    });
    assert.deepStrictEqual(body.generationConfig, { maxOutputTokens: 9, candidateCount: 1 });
    assert.equal(body["cachedContent"], "cachedContents/x");
  });

  it("the local estimate has the documented error on the recorded requests: median 0%, 22 of 28 within 25%", () => {
    const errors: number[] = [];
    for (const name of readdirSync(GEMINI_FIXTURES_DIR).filter((file) =>
      /^(generate|stream)-.*\.json$/.test(file),
    )) {
      // Media by reference (a YouTube link) and a cachedContent prompt are not counted locally.
      if (name === "generate-youtube-video-input.json" || name === "generate-cached-content.json") continue;
      const exchange = fixtureJson<Exchange>(name, GEMINI_FIXTURES_DIR);
      const body = exchange.request.body as unknown as GeminiRequest;
      const usage = (
        exchange.response.body_file
          ? JSON.parse(
              fixtureText(exchange.response.body_file, GEMINI_FIXTURES_DIR)
                .split(/\r?\n\r?\n/)
                .filter((event) => event.startsWith("data: "))
                .at(-1)!
                .slice(6),
            )
          : exchange.response.body
      ) as { usageMetadata?: { promptTokenCount: number } };
      if (usage.usageMetadata === undefined) continue;
      const tools = body.tools?.filter((tool) => tool.functionDeclarations !== undefined);
      const estimate = estimateGeminiTokens({
        ...body,
        ...(tools?.length ? { tools } : { tools: undefined }),
      } as GeminiRequest);
      errors.push((estimate - usage.usageMetadata.promptTokenCount) / usage.usageMetadata.promptTokenCount);
    }
    errors.sort((a, b) => a - b);
    assert.equal(errors.length, 28);
    assert.ok(Math.abs(errors[13]!) <= 0.05, `median ${errors[13]}`);
    assert.equal(errors.filter((error) => Math.abs(error) <= 0.25).length, 22);
  });
});

describe("GoogleAIConfig", () => {
  it("reads GOOGLEAI_*, and the key from GEMINI_API_KEY, then GOOGLE_API_KEY", () => {
    assert.equal(new GoogleAIConfig({}, { GOOGLE_API_KEY: "g", GEMINI_API_KEY: "m" }).api_key, "m");
    assert.equal(new GoogleAIConfig({}, { GOOGLE_API_KEY: "g" }).api_key, "g");
    const config = new GoogleAIConfig(
      {},
      { GOOGLEAI_API_KEY: "d", GEMINI_API_KEY: "m", GOOGLEAI_CHAT_MODEL: "gemini-2.5-pro" },
    );
    assert.equal(config.api_key, "d");
    assert.equal(config.chat_model, "gemini-2.5-pro");
    assert.equal(config.api_base, "https://generativelanguage.googleapis.com/v1beta");
    assert.equal(config.llm_type, "googleai");
    assert.equal(new GoogleAIConfig({}, { GOOGLEAI_API_KEY: "d" }).chat_model, "gemini-2.5-flash");
  });

  it("Director's OpenAI-compatible base is refused with what to use instead", () => {
    assert.throws(
      () =>
        new GoogleAIConfig(
          { api_key: "k", api_base: "https://generativelanguage.googleapis.com/v1beta/openai/" },
          {},
        ),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.option === "api_base" &&
        /Gemini's OpenAI-compatible endpoint/.test(error.message) &&
        /drop the \/openai suffix/.test(error.message) &&
        /use OpenAI with api_base/.test(error.message),
    );
  });

  it("a missing key names GOOGLEAI_API_KEY", () => {
    assert.throws(
      () => new GoogleAIConfig({}, {}),
      (error: unknown) => error instanceof ConfigError && /GOOGLEAI_API_KEY/.test(error.message),
    );
  });
});

describe("GoogleAI on the wire", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("the Gemini 3 pair: the follow-up request carries the signature the first response gave", async () => {
    const first = fixtureJson<Exchange>("generate-gemini3-tool-call-id-thoughts.json", GEMINI_FIXTURES_DIR);
    const replayed = fixtureJson<Exchange>(
      "generate-gemini3-thought-signature-replay.json",
      GEMINI_FIXTURES_DIR,
    );
    server.script(
      replay("generate-gemini3-tool-call-id-thoughts.json", GEMINI_FIXTURES_DIR),
      replay("generate-gemini3-thought-signature-replay.json", GEMINI_FIXTURES_DIR),
    );
    const llm = geminiFor(server, { chat_model: "gemini-3.1-pro-preview" });
    const messages: ChatMessage[] = [{ role: "user", content: ASK }];
    const res = await llm.chat_completions(messages, {
      tools: [WEATHER],
      reasoning_effort: "low",
      include_thoughts: true,
    });
    assert.equal(res.finish_reason, "tool_calls");
    assert.ok(res.reasoning.length > 0, "the thought summary is reasoning, not content");
    messages.push(res.assistant_message);
    messages.push({
      role: "tool",
      tool_call_id: res.tool_calls[0]!.id,
      content: "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
    });
    const second = await llm.chat_completions(messages, {
      tools: [WEATHER],
      reasoning_effort: "low",
      include_thoughts: true,
    });
    assert.equal(second.status, LLMResponseStatus.SUCCESS);
    const sent = server.requests[1]!.body as GeminiRequest;
    const recordedCall = (replayed.request.body as unknown as GeminiRequest).contents[1]!.parts[0]!;
    const firstParts = (
      first.response.body as {
        candidates: Array<{ content: { parts: Array<{ thoughtSignature?: string }> } }>;
      }
    ).candidates[0]!.content.parts;
    assert.equal(sent.contents[1]!.parts[0]!.thoughtSignature, firstParts[1]!.thoughtSignature);
    assert.equal(sent.contents[1]!.parts[0]!.thoughtSignature, recordedCall.thoughtSignature);
    assert.deepStrictEqual(sent.contents[1]!.parts[0]!.functionCall, {
      id: "call_883098",
      ...recordedCall.functionCall!,
    });
    assert.deepStrictEqual(sent.generationConfig.thinkingConfig, {
      thinkingLevel: "low",
      includeThoughts: true,
    });
    assert.equal(sent.contents[2]!.parts[0]!.functionResponse!.id, "call_883098");
  });

  it("a Standard Schema (zod) tool given to chat_completions goes out as its JSON Schema, on Gemini too", async () => {
    server.script((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP" }],
        }),
      );
    });
    await geminiFor(server).chat_completions([{ role: "user", content: "hi" }], {
      tools: [{ name: "find", parameters: z.object({ q: z.string() }) as never }],
    });
    const sent = server.requests[0]!.body as GeminiRequest;
    assert.deepStrictEqual(sent.tools![0]!.functionDeclarations[0]!.parametersJsonSchema, {
      type: "object",
      properties: { q: { type: "string" } },
      required: ["q"],
    });
    assert.equal(server.requests[0]!.headers["x-goog-api-key"], TEST_KEY);
  });
});
