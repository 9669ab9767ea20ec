import type { Handler } from "./test-server.js";

type Headers = Record<string, string | string[]>;

/** Answers with a JSON body. */
export function json(status: number, body: unknown, headers: Headers = {}): Handler {
  return (_request, response) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  };
}

/** Answers with a raw body. */
export function raw(status: number, text: string | Buffer, headers: Headers = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(text);
  };
}

/** A realistic chat.completion body with text content. */
export function completion(
  content: string | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    ...extra,
  };
}

/** Answers 200 with {@link completion}. */
export function ok(content = "Hello!", headers: Headers = {}): Handler {
  return json(200, completion(content), headers);
}

/** Never answers (the connection stays open until the server closes). */
export function hang(): Handler {
  return () => {};
}

/** Sends the status and headers, then nothing more. */
export function headersThenStall(headers: Headers = { "content-type": "application/json" }): Handler {
  return (_request, response) => {
    response.writeHead(200, headers);
    response.flushHeaders();
  };
}

/** Destroys the connection after the request arrived. */
export function reset(): Handler {
  return (_request, response) => {
    response.socket?.destroy();
  };
}

/** Waits `delayMs`, then hands over to `handler`. */
export function delayed(delayMs: number, handler: Handler): Handler {
  return (request, response, incoming) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(handler(request, response, incoming)), delayMs);
      response.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
}
