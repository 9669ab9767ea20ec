import { OpenAI, type OpenAIConfigOptions } from "../../src/index.js";
import type { TestServer } from "./test-server.js";

export const TEST_KEY = "sk-test-SECRET-0123456789";

/** A client for the test server: fast backoff, no pacing, short timeouts unless overridden. */
export function clientFor(server: TestServer | string, overrides: OpenAIConfigOptions = {}): OpenAI {
  return new OpenAI({
    api_key: TEST_KEY,
    api_base: `${typeof server === "string" ? server : server.url}/v1`,
    chat_model: "gpt-4o-mini",
    timeout: 2,
    rate_limit: false,
    retry: { initial_delay_ms: 20, max_delay_ms: 100 },
    ...overrides,
  });
}

export const HELLO = [{ role: "user" as const, content: "Hello" }];

/** Runs `task` and returns its result with the elapsed milliseconds. */
export async function timed<T>(task: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await task();
  return { result, elapsedMs: performance.now() - started };
}

/** What the 401 that echoes {@link TEST_KEY} must read as once the key is removed. */
export const CLIENT_KEY_IN_ERROR =
  "401 invalid_api_key: Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.";
