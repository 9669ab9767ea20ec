import { basename } from "node:path";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { uploadMediaType } from "../core/sniff-media-type.js";
import type { UploadedFile } from "../core/uploaded-file.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { type FilesEndpoint, filesRequest, jsonOf } from "../llm/files-request.js";
import { openUploadSource } from "../llm/upload-source.js";
import { multipartBody } from "../transport/multipart-body.js";

/** How an upload to OpenAI's `/files` goes. */
export interface OpenAIUploadOptions {
  /** The file's media type; else read from its first bytes. */
  media_type?: string;
  /** The file name OpenAI keeps (default: the path's base name, or `file`). */
  display_name?: string;
  /** OpenAI's `purpose` (default `user_data`: files given to models as input). */
  purpose?: string;
  signal?: AbortSignal;
}

const EXTENSION_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  txt: "text/plain",
};

/** An OpenAI `file` object as an {@link UploadedFile} (`media_type` from the upload, else the name). */
function readOpenAIFile(value: unknown, mediaType?: string): UploadedFile {
  if (!isRecord(value) || typeof value["id"] !== "string")
    throw new LLMError({ kind: "invalid_response", message: "the /files answer has no file id" });
  const filename = typeof value["filename"] === "string" ? value["filename"] : undefined;
  const type =
    mediaType ??
    EXTENSION_TYPES[filename?.split(".").pop()?.toLowerCase() ?? ""] ??
    "application/octet-stream";
  const expires =
    typeof value["expires_at"] === "number" ? new Date(value["expires_at"] * 1000).toISOString() : undefined;
  const failed = value["status"] === "error";
  return {
    id: value["id"],
    uri: value["id"],
    media_type: type,
    size_bytes: typeof value["bytes"] === "number" ? value["bytes"] : undefined,
    state: failed ? "FAILED" : "ACTIVE",
    display_name: filename,
    expires_at: expires,
    error: failed && typeof value["status_details"] === "string" ? value["status_details"] : undefined,
    part: { type: "media", file: value["id"], media_type: type },
  };
}

/**
 * OpenAI's Files API (`/files`), with the same small interface as `GoogleAI.files`: `upload` a path
 * or bytes (streamed as `multipart/form-data`, never held whole) and put `file.part` in a message
 * (it goes out as `{ type: "file", file: { file_id } }`); `get`, `list`, `delete`. The client's key,
 * `timeout`, retries and typed errors apply.
 */
export class OpenAIFiles {
  readonly #endpoint: FilesEndpoint;

  constructor(endpoint: FilesEndpoint) {
    this.#endpoint = endpoint;
  }

  /** Uploads a path or bytes (`purpose: "user_data"` unless told otherwise); the file as OpenAI keeps it. */
  async upload(source: string | Uint8Array, options: OpenAIUploadOptions = {}): Promise<UploadedFile> {
    if (typeof source !== "string" && !(source instanceof Uint8Array))
      throw new InvalidArgumentError("source", "must be a path or bytes");
    const file = await openUploadSource(source);
    try {
      const mediaType = uploadMediaType(await file.read(0, 64), options.media_type);
      const filename = options.display_name ?? (typeof source === "string" ? basename(source) : "file");
      const { contentType, body } = multipartBody(
        { purpose: options.purpose ?? "user_data" },
        { field: "file", filename, media_type: mediaType, size: file.size, read: () => file.pieces() },
      );
      const response = await filesRequest(this.#endpoint, {
        path: `${this.#endpoint.basePath}/files`,
        headers: { ...this.#endpoint.headers, "content-type": contentType },
        body,
        signal: options.signal,
      });
      return readOpenAIFile(jsonOf(response), mediaType);
    } finally {
      await file.close();
    }
  }

  /** The file as OpenAI has it now (its media type read from its name). */
  async get(id: string, options: { signal?: AbortSignal } = {}): Promise<UploadedFile> {
    return readOpenAIFile(jsonOf(await this.#send("GET", `/files/${fileId(id)}`, options.signal)));
  }

  /** One page of files (`limit`, at most 10,000), newest first; `after` a file id for the next page. */
  async list(
    options: { limit?: number; after?: string; purpose?: string; signal?: AbortSignal } = {},
  ): Promise<{ files: UploadedFile[]; has_more: boolean }> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.after !== undefined) query.set("after", options.after);
    if (options.purpose !== undefined) query.set("purpose", options.purpose);
    const body = jsonOf(
      await this.#send("GET", `/files${query.size > 0 ? `?${query}` : ""}`, options.signal),
    ) as {
      data?: unknown[];
      has_more?: unknown;
    };
    return {
      files: Array.isArray(body.data) ? body.data.map((file) => readOpenAIFile(file)) : [],
      has_more: body.has_more === true,
    };
  }

  /** Deletes a file. */
  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#send("DELETE", `/files/${fileId(id)}`, options.signal);
  }

  #send(method: "GET" | "DELETE", path: string, signal: AbortSignal | undefined) {
    return filesRequest(this.#endpoint, {
      path: `${this.#endpoint.basePath}${path}`,
      method,
      body: "",
      signal,
    });
  }
}

function fileId(id: string): string {
  if (typeof id !== "string" || !/^[\w-]+$/.test(id))
    throw new InvalidArgumentError("id", "must be an OpenAI file id (file-...)");
  return id;
}
