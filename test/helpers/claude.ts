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
