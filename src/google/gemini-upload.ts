import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { uploadMediaType } from "../core/sniff-media-type.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { abortableDelay } from "../transport/abortable-delay.js";
import { firstHeader } from "../transport/http-exchange.js";
import { backoffDelayMs } from "../transport/retry-with-backoff.js";
import type { UploadedFile } from "../core/uploaded-file.js";
import { type FilesEndpoint, filesRequest, jsonOf } from "../llm/files-request.js";
import { openUploadSource, type UploadReader, type UploadSource } from "../llm/upload-source.js";
import { readUploadedFile } from "./read-gemini-file.js";

export type { UploadSource } from "../llm/upload-source.js";

/** Progress of an upload: bytes the server has confirmed, then (waiting for `ACTIVE`) the file's state. */
export interface UploadProgress {
  phase: "uploading" | "processing";
  sent_bytes: number;
  total_bytes: number;
  state?: string;
}

/** How an upload goes: the file's type and name, its abort signal and progress, the chunk size. */
export interface UploadOptions {
  /** The file's media type; else read from its first bytes (PNG, JPEG, GIF, WebP, PDF, MP3, WAV, MP4/MOV, WebM). */
  media_type?: string;
  display_name?: string;
  signal?: AbortSignal;
  /** Told after every chunk the server confirmed, then of each state check while waiting. */
  on_progress?: (progress: UploadProgress) => void;
  /** Bytes per upload request: a multiple of 256 KiB (default 8 MiB). Memory held is about one chunk. */
  chunk_bytes?: number;
}

const GRANULARITY = 256 * 1024;
const DEFAULT_CHUNK = 8 * 1024 * 1024;

/**
 * Uploads with Gemini's resumable protocol: `start` (the key in a header, the upload session URL
 * in the answer), then chunks of `chunk_bytes` (`upload`, the last one `upload, finalize`). A chunk
 * that fails (a cut connection, a 5xx) is resumed from what the server says it has (`query`), with
 * backoff, up to `max_retries` times per upload. Resolves with the file as uploaded (usually
 * `PROCESSING` for a video).
 */
export async function uploadGeminiFile(
  endpoint: FilesEndpoint,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<UploadedFile> {
  const chunk = options.chunk_bytes ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunk) || chunk <= 0 || chunk % GRANULARITY !== 0)
    throw new InvalidArgumentError("chunk_bytes", "must be a positive multiple of 262144 (256 KiB)");
  const reader = await openUploadSource(source);
  try {
    const mediaType = await mediaTypeOf(reader, options.media_type);
    const sessionUrl = await startSession(endpoint, reader.size, mediaType, options);
    return await sendChunks(endpoint, reader, sessionUrl, chunk, options);
  } finally {
    await reader.close();
  }
}

async function mediaTypeOf(reader: UploadReader, declared: string | undefined): Promise<string> {
  return uploadMediaType(await reader.read(0, 64), declared);
}

async function startSession(
  endpoint: FilesEndpoint,
  size: number,
  mediaType: string,
  options: UploadOptions,
): Promise<URL> {
  const response = await filesRequest(endpoint, {
    path: `/upload${endpoint.basePath}/files`,
    headers: {
      ...endpoint.headers,
      "x-goog-upload-protocol": "resumable",
      "x-goog-upload-command": "start",
      "x-goog-upload-header-content-length": String(size),
      "x-goog-upload-header-content-type": mediaType,
    },
    body: JSON.stringify({
      file: options.display_name === undefined ? {} : { display_name: options.display_name },
    }),
    signal: options.signal,
  });
  const location = firstHeader(response.headers, "x-goog-upload-url");
  let url: URL | undefined;
  try {
    url = location === undefined ? undefined : new URL(location, endpoint.origin);
  } catch {}
  if (url === undefined)
    throw new LLMError({
      kind: "invalid_response",
      message: "the upload start answer has no x-goog-upload-url",
    });
  // The session URL goes where api_base does and nowhere else (a hostile answer must not make the
  // library send the file, or the key, to another host).
  if (url.origin !== endpoint.origin)
    throw new LLMError({
      kind: "invalid_response",
      message: `the upload session is on another origin (${url.origin}) than api_base; not sent`,
    });
  return url;
}

async function sendChunks(
  endpoint: FilesEndpoint,
  reader: UploadReader,
  sessionUrl: URL,
  chunk: number,
  options: UploadOptions,
): Promise<UploadedFile> {
  const path = `${sessionUrl.pathname}${sessionUrl.search}`;
  const session = { path, secrets: [sessionUrl.href, path] };
  const once = { ...endpoint, maxRetries: 0 };
  let offset = 0;
  let failures = 0;
  for (;;) {
    const bytes = await reader.read(offset, chunk);
    const last = offset + bytes.length >= reader.size;
    try {
      const response = await filesRequest(once, {
        ...session,
        headers: {
          ...endpoint.headers,
          "content-type": "application/octet-stream",
          "x-goog-upload-command": last ? "upload, finalize" : "upload",
          "x-goog-upload-offset": String(offset),
        },
        body: bytes,
        signal: options.signal,
      });
      offset += bytes.length;
      options.on_progress?.({ phase: "uploading", sent_bytes: offset, total_bytes: reader.size });
      if (last) return readUploadedFile(jsonOf(response));
    } catch (error) {
      if (!(error instanceof LLMError) || !error.retryable || failures >= endpoint.maxRetries) throw error;
      failures += 1;
      await abortableDelay({
        delayMs: backoffDelayMs(failures - 1, endpoint.backoff, Math.random),
        signal: options.signal,
        onAbort: () => abortedByCaller(options.signal),
      });
      // Where to go on from: what the server says it has.
      const status = await filesRequest(endpoint, {
        ...session,
        headers: { ...endpoint.headers, "x-goog-upload-command": "query" },
        body: "",
        signal: options.signal,
      });
      if (firstHeader(status.headers, "x-goog-upload-status") === "final")
        return readUploadedFile(jsonOf(status));
      const received = Number(firstHeader(status.headers, "x-goog-upload-size-received"));
      if (!Number.isSafeInteger(received) || received < offset || received > offset + bytes.length)
        throw new LLMError({
          kind: "invalid_response",
          message: `the upload session reports ${firstHeader(status.headers, "x-goog-upload-size-received")} bytes received, not a chunk boundary near ${offset}`,
        });
      offset = received;
    }
  }
}
