import { randomUUID } from "node:crypto";
import type { PiecesBody } from "./http-exchange.js";

/** Strings at least this long (inline media as base64) are sent from where they are, not copied. */
const LARGE_STRING = 1024 * 1024;
/** Bytes per piece of a large string handed to the socket. */
const SLICE = 1024 * 1024;
/** Characters that need no JSON escaping and are one byte each in UTF-8: base64 and base64url. */
const PLAIN = /^[A-Za-z0-9+/=_-]*$/;
/** Stands in for a large string while the rest is serialized; unique per process. */
const MARKER = `director-llm-large-string-${randomUUID()}-`;

/** A JSON request body: text, or (with large inline media) pieces and their total length. */
export type JsonBody = string | (PiecesBody & { pieces: Iterable<Uint8Array> });

function hasLargeString(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length >= LARGE_STRING;
  if (typeof value !== "object" || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => hasLargeString(item, depth + 1));
  for (const key in value)
    if (hasLargeString((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/**
 * Serializes a request body. Usually the JSON text; when it holds large strings that need no
 * escaping (inline media as base64), the JSON around them is serialized and each large string is
 * handed to the socket a slice at a time from where it already is: a 20 MB video is not copied
 * into a second 20 MB string and then a 20 MB buffer, and no single step blocks the event loop for
 * long. Pieces are produced afresh each time they are iterated (a retry sends them again).
 */
export function jsonBody(payload: unknown): JsonBody {
  if (!hasLargeString(payload, 0)) return JSON.stringify(payload);
  const large: string[] = [];
  const text = JSON.stringify(payload, (_key, value: unknown) => {
    if (typeof value !== "string" || value.length < LARGE_STRING || !PLAIN.test(value)) return value;
    large.push(value);
    return `${MARKER}${large.length - 1}`;
  });
  if (large.length === 0) return text;
  const around = text.split(new RegExp(`${MARKER}(\\d+)`));
  // around: [json, index, json, index, ..., json]
  const head = around.filter((_, index) => index % 2 === 0).map((piece) => Buffer.from(piece, "utf8"));
  const order = around.filter((_, index) => index % 2 === 1).map(Number);
  const length =
    head.reduce((sum, piece) => sum + piece.length, 0) +
    order.reduce((sum, index) => sum + large[index]!.length, 0);
  return {
    length,
    pieces: {
      *[Symbol.iterator]() {
        for (let index = 0; index < head.length; index += 1) {
          yield head[index]!;
          if (index >= order.length) break;
          const value = large[order[index]!]!;
          for (let at = 0; at < value.length; at += SLICE)
            yield Buffer.from(value.slice(at, at + SLICE), "latin1");
        }
      },
    },
  };
}
