import type { Handler } from "./test-server.js";

/** A small deterministic PRNG (mulberry32), so a failing split can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts bytes at random points (anywhere: inside lines and inside multi-byte characters). */
export function splitRandomly(bytes: Buffer, random: () => number, maxPiece = 64): Buffer[] {
  const pieces: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const size = 1 + Math.floor(random() * maxPiece);
    pieces.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Serves an event stream as the given pieces, each in its own write, then ends (unless `stall`). */
export function ssePieces(
  pieces: Buffer[],
  options: { stall?: boolean; headers?: Record<string, string> } = {},
): Handler {
  return (_request, response) =>
    new Promise<void>((resolve) => {
      response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", ...options.headers });
      let index = 0;
      const next = () => {
        if (response.destroyed) return resolve();
        const piece = pieces[index];
        index += 1;
        if (piece === undefined) {
          if (!options.stall) response.end();
          return resolve();
        }
        response.write(piece, () => setImmediate(next));
      };
      next();
    });
}

/** Serves event-stream text whole. */
export function sse(text: string, options: { stall?: boolean } = {}): Handler {
  return ssePieces([Buffer.from(text)], options);
}

/** `data:` framing for chunk objects, with or without the `[DONE]` end marker. */
export function frame(chunks: unknown[], done = true): string {
  return (
    chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "")
  );
}

/** A chat.completion.chunk with one delta for choice 0. */
export function chunk(
  delta: Record<string, unknown>,
  finish_reason: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta, finish_reason }],
    ...extra,
  };
}

/** The last chunk of a stream with `include_usage`: no choices, the usage. */
export function usageChunk(prompt_tokens: number, completion_tokens: number) {
  return {
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    model: "gpt-4o-mini",
    choices: [],
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
  };
}
