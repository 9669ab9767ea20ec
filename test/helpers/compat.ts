import type { ChatCompletionOptions, LLMResponse, OpenAIConfigOptions, StreamPart } from "../../src/index.js";
import { clientFor, HELLO } from "./client.js";
import { json } from "./handlers.js";
import { sse } from "./sse.js";
import type { TestServer } from "./test-server.js";

/** A tool the compatibility cases call. */
export const WEATHER_TOOL = [
  { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
];

/** SSE text of events: objects as `data:` lines, strings as raw text, `[DONE]` last unless `done` is false. */
export function sseText(events: ReadonlyArray<unknown>, done = true): string {
  const body = events.map((event) =>
    typeof event === "string" ? event : `data: ${JSON.stringify(event)}\n\n`,
  );
  return body.join("") + (done ? "data: [DONE]\n\n" : "");
}

/** Streams `events` from the test server and returns every part and the response. */
export async function streamed(
  server: TestServer,
  events: ReadonlyArray<unknown>,
  options: { call?: ChatCompletionOptions; config?: OpenAIConfigOptions; done?: boolean; text?: string } = {},
): Promise<{ parts: StreamPart[]; response: LLMResponse }> {
  server.script(sse(options.text ?? sseText(events, options.done ?? true)));
  const stream = clientFor(server, { max_retries: 0, ...options.config }).stream_chat_completions(
    HELLO,
    options.call ?? {},
  );
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return { parts, response: await stream.response };
}

/** Answers one non-streaming call with `body` (status 200 unless given) and returns the response. */
export async function whole(
  server: TestServer,
  body: unknown,
  options: { call?: ChatCompletionOptions; config?: OpenAIConfigOptions; status?: number } = {},
): Promise<LLMResponse> {
  server.script(json(options.status ?? 200, body));
  return clientFor(server, { max_retries: 0, ...options.config }).chat_completions(HELLO, options.call ?? {});
}

/** A chat.completion.chunk of a compatible server: choice 0 with `delta`, and extra top-level fields. */
export function delta(
  fields: Record<string, unknown>,
  finish_reason: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-compat",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "local-model",
    choices: [{ index: 0, delta: fields, finish_reason }],
    ...extra,
  };
}

/** A full chat.completion of a compatible server with one message. */
export function message(
  fields: Record<string, unknown>,
  finish_reason = "stop",
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-compat",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "local-model",
    choices: [{ index: 0, message: { role: "assistant", ...fields }, finish_reason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...extra,
  };
}
