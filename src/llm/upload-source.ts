import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** What a Files API upload takes: a file's path, bytes, or a stream of bytes whose size is known up front. */
export type UploadSource = string | Uint8Array | { stream: AsyncIterable<Uint8Array>; size_bytes: number };

/** An upload's bytes, read as they are sent: never the whole file in memory. */
export interface UploadReader {
  size: number;
  /**
   * `length` bytes at `offset` (fewer at the end), going forward; the bytes last returned can be
   * read again (a chunk sent again). From a path, into one reused buffer.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Every byte from the start, afresh each time (a request sent again); not for a stream source. */
  pieces(): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

/** Opens an upload's source; a path that cannot be read, or anything else, is an {@link InvalidArgumentError}. */
export async function openUploadSource(source: UploadSource): Promise<UploadReader> {
  if (typeof source === "string") return fileReader(source);
  if (source instanceof Uint8Array)
    return {
      size: source.length,
      read: async (offset, length) => source.subarray(offset, offset + length),
      pieces: async function* () {
        yield source;
      },
      close: async () => {},
    };
  if (!isRecord(source) || !Number.isSafeInteger(source.size_bytes) || source.size_bytes < 0)
    throw new InvalidArgumentError("source", "must be a path, bytes, or { stream, size_bytes }");
  return streamReader(source.stream, source.size_bytes);
}

async function fileReader(path: string): Promise<UploadReader> {
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError("source", `cannot be read: ${error.code ?? error.message} (${path})`);
  });
  const { size } = await handle.stat();
  // One buffer for every chunk: a chunk is read only after the previous one was answered.
  let buffer: Buffer | undefined;
  return {
    size,
    read: async (offset, length) => {
      const wanted = Math.max(0, Math.min(length, size - offset));
      if (buffer === undefined || buffer.length < wanted) buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await handle.read(buffer, 0, wanted, offset);
      return buffer.subarray(0, bytesRead);
    },
    pieces: () => createReadStream(path, { highWaterMark: 1024 * 1024 }),
    close: () => handle.close(),
  };
}

function streamReader(stream: AsyncIterable<Uint8Array>, size: number): UploadReader {
  const iterator = stream[Symbol.asyncIterator]();
  /** The bytes from `start` on that were read and not yet passed (a chunk kept for a resend). */
  let held: Uint8Array = Buffer.alloc(0);
  let start = 0;
  return {
    size,
    read: async (offset, length) => {
      if (offset < start)
        throw new LLMError({ kind: "connection", message: "the stream cannot be read again" });
      held = held.subarray(offset - start);
      start = offset;
      const parts = [held];
      let have = held.length;
      while (have < length) {
        const next = await iterator.next();
        if (next.done) break;
        parts.push(next.value);
        have += next.value.length;
      }
      if (parts.length > 1) held = Buffer.concat(parts);
      return held.subarray(0, length);
    },
    pieces: () => {
      throw new InvalidArgumentError(
        "source",
        "a stream can be uploaded in chunks only (give a path or bytes)",
      );
    },
    close: async () => {
      await iterator.return?.();
    },
  };
}
