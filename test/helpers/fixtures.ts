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

export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES_DIR}${name}`, "utf8");
}

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Headers that describe the recorded transfer rather than the response; the test server sets its own. */
const TRANSFER_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "content-encoding"]);

/** Replays a recorded exchange's status, headers and body, unchanged. */
export function replay(name: string): Handler {
  const exchange = fixtureJson<Exchange>(name);
  const body = exchange.response.body_file
    ? fixtureText(exchange.response.body_file)
    : JSON.stringify(exchange.response.body);
  const headers = Object.fromEntries(
    Object.entries(exchange.response.headers).filter(([key]) => !TRANSFER_HEADERS.has(key)),
  );
  return (_request, response) => {
    response.writeHead(exchange.response.status, { ...headers, "content-length": Buffer.byteLength(body) });
    response.end(body);
  };
}
