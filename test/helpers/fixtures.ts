import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Handler } from "./test-server.js";

/** `../shared/openai-fixtures` beside the repository (tests run from `dist/test/...`). */
export const FIXTURES_DIR = fileURLToPath(new URL("../../../../shared/openai-fixtures/", import.meta.url));

/** A recorded exchange: the request sent to api.openai.com and the response it gave. */
export interface Exchange {
  request: { method: string; url: string; body: Record<string, unknown> };
  response: {
    status: number;
    headers: Record<string, string | string[]>;
    body?: unknown;
    body_file?: string;
  };
}

/** `../shared/anthropic-fixtures`, the recorded Anthropic Messages API responses. */
export const ANTHROPIC_FIXTURES_DIR = fileURLToPath(
  new URL("../../../../shared/anthropic-fixtures/", import.meta.url),
);

export function fixtureText(name: string, dir = FIXTURES_DIR): string {
  return readFileSync(`${dir}${name}`, "utf8");
}

export function fixtureJson<T = unknown>(name: string, dir = FIXTURES_DIR): T {
  return JSON.parse(fixtureText(name, dir)) as T;
}

/** Headers that describe the recorded transfer rather than the response; the test server sets its own. */
const TRANSFER_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "content-encoding"]);

/**
 * Replays a recorded exchange's status, headers and body, unchanged; with `pieces`, a stream's
 * body is cut by it and each piece written on its own (network reads split anywhere).
 */
export function replay(name: string, dir = FIXTURES_DIR, pieces?: (body: Buffer) => Buffer[]): Handler {
  const exchange = fixtureJson<Exchange>(name, dir);
  const body = Buffer.from(
    exchange.response.body_file
      ? fixtureText(exchange.response.body_file, dir)
      : JSON.stringify(exchange.response.body),
  );
  const headers = Object.fromEntries(
    Object.entries(exchange.response.headers).filter(([key]) => !TRANSFER_HEADERS.has(key)),
  );
  return (_request, response) =>
    new Promise<void>((resolve) => {
      response.writeHead(exchange.response.status, { ...headers, "content-length": body.length });
      const parts = pieces ? pieces(body) : [body];
      const next = (index: number) => {
        if (response.destroyed) return resolve();
        if (index >= parts.length) {
          response.end();
          return resolve();
        }
        response.write(parts[index], () => setImmediate(() => next(index + 1)));
      };
      next(0);
    });
}

/** `../shared/gemini-fixtures`, the recorded Gemini API responses. */
export const GEMINI_FIXTURES_DIR = fileURLToPath(
  new URL("../../../../shared/gemini-fixtures/", import.meta.url),
);
