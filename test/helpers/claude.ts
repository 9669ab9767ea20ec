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

/**
 * A Messages API answer as Claude sends it: one text block (`end_turn`), or the given blocks
 * (`tool_use` when one of them calls a tool).
 */
export function claudeMessage(
  content: string | Array<Record<string, unknown>>,
  usage = { input_tokens: 8, output_tokens: 2 },
) {
  const blocks = typeof content === "string" ? [{ type: "text", text: content }] : content;
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5-20251001",
    content: blocks,
    stop_reason: blocks.some((block) => block["type"] === "tool_use") ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage,
  };
}
