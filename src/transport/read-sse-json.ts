import { createParser } from "eventsource-parser";
import { LLMError } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { type OpenResponse, type PostRequest, readBody, transportError } from "./post-request.js";

function contentType(open: OpenResponse): string {
  const value = open.headers["content-type"];
  return (Array.isArray(value) ? value[0] : value)?.toLowerCase() ?? "";
}

/**
 * Reads an open 2xx response as a server-sent event stream and yields, per network read, the
 * `data:` payloads parsed as JSON (batched: one hop per read, not per event), then `done`. SSE framing is parsed by `eventsource-parser`; bytes are decoded
 * with a streaming TextDecoder, so a multi-byte character split across chunks is kept whole. Only
 * events restart the idle timer (comment lines are not progress). A server that ignored
 * `stream: true` and sent one JSON body has that body yielded as a single event.
 */
export async function* readSseJson(options: {
  open: OpenResponse;
  request: PostRequest;
  /** Idle limit to restart the timer with after each event, in ms. */
  idleTimeoutMs: () => number;
  /** What to yield for `data: [DONE]`. */
  done: unknown;
}): AsyncGenerator<unknown[], void, undefined> {
  const { open, request } = options;
  const { attempt } = open;
  let done = false;
  try {
    const type = contentType(open);
    if (type.includes("application/json")) {
      const text = await readBody(open.body, open.headers, request.maxResponseBytes);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new LLMError({
          kind: "invalid_response",
          message: "streamed response is not JSON",
          status_code: open.status,
        });
      }
      done = true;
      yield [body, options.done];
      return;
    }
    if (type.includes("text/html")) {
      open.body.on("error", () => {});
      open.body.destroy();
      throw new LLMError({
        kind: "invalid_response",
        message: `${open.status} response is HTML, not an event stream`,
      });
    }
    let events: unknown[] = [];
    let bad: LLMError | undefined;
    const parser = createParser({
      onEvent(event) {
        attempt.restartTimer(options.idleTimeoutMs());
        if (done) return;
        if (event.data === "[DONE]") {
          done = true;
          events.push(options.done);
          return;
        }
        try {
          events.push(JSON.parse(event.data));
        } catch {
          const snippet = redactSecrets(event.data.slice(0, 80), request.secrets);
          bad ??= new LLMError({
            kind: "invalid_response",
            message: `stream event is not JSON: ${JSON.stringify(snippet)}`,
          });
        }
      },
    });
    const decoder = new TextDecoder();
    let size = 0;
    for await (const chunk of open.body) {
      size += (chunk as Buffer).length;
      if (size > request.maxResponseBytes) {
        throw new LLMError({
          kind: "response_too_large",
          message: `response body exceeds max_response_bytes (${request.maxResponseBytes} bytes)`,
        });
      }
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (events.length > 0) {
        const batch = events;
        events = [];
        yield batch;
      }
      if (bad) throw bad;
    }
    parser.feed(decoder.decode());
    if (events.length > 0) yield events;
    if (bad) throw bad;
  } catch (error) {
    // After [DONE] nothing more is needed: a server that then stalls or cuts costs nothing.
    if (!done) throw transportError(error, attempt, request);
  } finally {
    attempt.dispose();
  }
}
