import { StringDecoder } from "node:string_decoder";
import { createParser } from "eventsource-parser";
import { LLMError } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { firstHeader, type HttpExchange, type PostRequest } from "./http-exchange.js";

const BYTE_ORDER_MARK = 0xfeff;

/**
 * Reads an open 2xx exchange as a server-sent event stream and yields, per network read, the
 * `data:` payloads parsed as JSON (batched: one hop per read, not per event), then `done`. SSE
 * framing is parsed by `eventsource-parser`; bytes are decoded with Node's `StringDecoder`, so a
 * multi-byte character split across chunks stays whole (a streaming `TextDecoder` does the same
 * several times slower), and a leading byte-order mark is dropped. Only events count as progress
 * for the idle timer (comment lines do not). A server that ignored `stream: true` and sent one JSON
 * body has that body yielded as a single event.
 */
export async function* readSseJson(options: {
  exchange: HttpExchange;
  request: PostRequest;
  /** What to yield for `data: [DONE]`. */
  done: unknown;
  /** An event name that only keeps the connection alive (Anthropic's `ping`): dropped, and not progress. */
  keepAlive?: string;
  /** An event name that completes the stream like `[DONE]` (Anthropic's `message_stop`); its data is yielded. */
  end?: string;
}): AsyncGenerator<unknown[], void, undefined> {
  const { exchange, request } = options;
  const type = firstHeader(exchange.headers, "content-type")?.toLowerCase() ?? "";
  const batches = exchange.batches();
  if (type.includes("text/html")) {
    exchange.cancel();
    throw new LLMError({
      kind: "invalid_response",
      message: `${exchange.status} response is HTML, not an event stream`,
    });
  }
  if (
    type.includes("application/json") ||
    (!type.includes("event-stream") && (await startsLikeJson(exchange)))
  ) {
    const chunks: Buffer[] = [];
    for await (const batch of batches) chunks.push(...batch);
    try {
      yield [JSON.parse(Buffer.concat(chunks).toString("utf8")), options.done];
      return;
    } catch {
      throw new LLMError({
        kind: "invalid_response",
        message: "streamed response is not JSON",
        status_code: exchange.status,
      });
    }
  }
  let done = false;
  let events: unknown[] = [];
  let bad: LLMError | undefined;
  let sawEvent = false;
  const parser = createParser({
    onEvent(event) {
      if (options.keepAlive !== undefined && event.event === options.keepAlive) return;
      sawEvent = true;
      // Nothing after [DONE] or after a malformed event counts: the stream ends (or fails) there.
      if (done || bad) return;
      if (event.event === "error") {
        // A flat `event: error` frame: its data is the error (JSON or text), kept for the classifier.
        events.push({ error: errorOfFrame(event.data) });
        return;
      }
      if (event.data === "[DONE]") {
        done = true;
        events.push(options.done);
        return;
      }
      try {
        events.push(JSON.parse(event.data));
        if (options.end !== undefined && event.event === options.end) {
          done = true;
          events.push(options.done);
        }
      } catch {
        const snippet = redactSecrets(event.data.slice(0, 80), request.secrets);
        bad ??= new LLMError({
          kind: "invalid_response",
          message: `stream event is not JSON: ${JSON.stringify(snippet)}`,
        });
      }
    },
  });
  const decoder = new StringDecoder("utf8");
  let started = false;
  const feed = (text: string) => {
    if (!started) {
      if (text === "") return;
      started = true;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    parser.feed(text);
  };
  try {
    for await (const batch of batches) {
      for (const chunk of batch) feed(decoder.write(chunk));
      if (sawEvent) {
        sawEvent = false;
        exchange.timer.progress();
      }
      if (events.length > 0) {
        const ready = events;
        events = [];
        yield ready;
      }
      if (bad) throw bad;
      // The end marker ends the stream: a server that keeps the connection open after it does
      // not hold the answer (the exchange drains the rest briefly, see `release`).
      if (done) return;
    }
    feed(decoder.end());
    if (events.length > 0) yield events;
    if (bad) throw bad;
  } catch (error) {
    // After [DONE] nothing more is needed: a server that then stalls or cuts costs nothing. A
    // malformed event before it fails the stream however the bytes were split into reads, since
    // a [DONE] after it is never seen.
    if (!done) throw error;
  }
}

function errorOfFrame(data: string): unknown {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) return parsed.error;
    return parsed;
  } catch {
    return { message: data };
  }
}

/**
 * Whether a body that is not labelled as an event stream (`text/plain`, none) holds JSON: a server
 * that ignored `stream: true` and mislabelled its one answer. Looks at the first bytes only; they
 * stay in the exchange for the reader.
 */
async function startsLikeJson(exchange: HttpExchange): Promise<boolean> {
  const first = await exchange.peek();
  if (first === undefined) return false;
  const text = first
    .toString("utf8", 0, Math.min(first.length, 64))
    .replace(/^\uFEFF/, "")
    .trimStart();
  return text.startsWith("{") || text.startsWith("[");
}
