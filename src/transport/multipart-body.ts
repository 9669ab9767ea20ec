import { randomUUID } from "node:crypto";
import type { PiecesBody } from "./http-exchange.js";

/** A file part of a form: its bytes come from `read`, afresh each time the body is sent. */
export interface MultipartFile {
  field: string;
  filename: string;
  media_type: string;
  size: number;
  read: () => AsyncIterable<Uint8Array>;
}

const quoted = (text: string) => text.replace(/["\\\r\n]/g, "_");

/**
 * A `multipart/form-data` body (RFC 7578) of text fields and one file, streamed: the file's bytes
 * are read as they are sent (never held whole), and the length is known up front, so it goes with
 * a `content-length` as OpenAI's and Anthropic's upload endpoints expect.
 */
export function multipartBody(
  fields: Readonly<Record<string, string>>,
  file: MultipartFile,
): { contentType: string; body: PiecesBody } {
  const boundary = `director-llm-${randomUUID()}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
      )
      .join(
        "",
      )}--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\nContent-Type: ${file.media_type}\r\n\r\n`,
    "utf8",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, "utf8");
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: {
      length: head.length + file.size + tail.length,
      pieces: {
        async *[Symbol.asyncIterator]() {
          yield head;
          yield* file.read();
          yield tail;
        },
      },
    },
  };
}
