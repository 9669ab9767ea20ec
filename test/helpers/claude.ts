import { AnthropicAI, type AnthropicAIConfigOptions } from "../../src/index.js";
import { TEST_KEY } from "./client.js";
import type { TestServer } from "./test-server.js";

/** An AnthropicAI for the test server: no pacing, no retries, short timeouts unless overridden. */
export function claudeFor(server: TestServer, overrides: AnthropicAIConfigOptions = {}): AnthropicAI {
  return new AnthropicAI({
    api_key: TEST_KEY,
    api_base: `${server.url}/v1`,
    rate_limit: false,
    max_retries: 0,
    timeout: 2,
    retry: { initial_delay_ms: 20, max_delay_ms: 100 },
    ...overrides,
  });
}

/** A Messages API answer with one text block, as Claude sends it (`end_turn`). */
export function claudeMessage(text: string, usage = { input_tokens: 8, output_tokens: 2 }) {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5-20251001",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  };
}
