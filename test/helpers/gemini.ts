import { GoogleAI, type GoogleAIConfigOptions } from "../../src/index.js";
import { TEST_KEY } from "./client.js";
import type { TestServer } from "./test-server.js";

/** A GoogleAI for the test server: no pacing, no retries, short timeouts unless overridden. */
export function geminiFor(server: TestServer, overrides: GoogleAIConfigOptions = {}): GoogleAI {
  return new GoogleAI({
    api_key: TEST_KEY,
    api_base: `${server.url}/v1beta`,
    rate_limit: false,
    max_retries: 0,
    timeout: 2,
    retry: { initial_delay_ms: 20, max_delay_ms: 100 },
    ...overrides,
  });
}

/** A `generateContent` answer with the given parts (a text answer by default). */
export function geminiAnswer(
  parts: Array<Record<string, unknown>> = [{ text: "Hello!" }],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 18 },
    modelVersion: "gemini-2.5-flash",
    responseId: "resp-test",
    ...extra,
  };
}

/** Gemini's SSE framing: one `data:` event per object, CRLF CRLF separators, no end marker. */
export function geminiFrames(events: unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join("");
}
