import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { abortableDelay } from "../transport/abortable-delay.js";
import type { UploadedFile } from "../core/uploaded-file.js";
import { type FilesEndpoint, filesRequest, jsonOf } from "../llm/files-request.js";
import { readUploadedFile } from "./read-gemini-file.js";
import { type UploadOptions, type UploadSource, uploadGeminiFile } from "./gemini-upload.js";

export type { UploadedFile } from "../core/uploaded-file.js";
export type { UploadOptions, UploadProgress, UploadSource } from "./gemini-upload.js";

/** How long `upload` waits for a file to become `ACTIVE` unless told otherwise, in seconds. */
const DEFAULT_WAIT_S = 600;
/** Checks of a file's state: every second at first, then every 5 s. */
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 5000;

/** How long and how `wait_until_active` waits. */
export interface WaitOptions {
  /** Longest wait for `ACTIVE`, in seconds (default 600); past it the call fails as `timeout`. */
  timeout?: number;
  signal?: AbortSignal;
  /** Told of each state check. */
  on_progress?: UploadOptions["on_progress"];
}

/**
 * Gemini's Files API, for media too big to send inline (20 MB per request): `upload` a path, bytes
 * or a stream (resumable, a chunk in memory at a time), wait until the file is `ACTIVE`, and put
 * `file.part` in a message. `get`, `list` and `delete` manage what was uploaded (Gemini deletes
 * files after 48 hours). Every request uses the client's key (in a header), `timeout`, retries and
 * typed errors.
 */
export class GeminiFiles {
  readonly #endpoint: FilesEndpoint;

  constructor(endpoint: FilesEndpoint) {
    this.#endpoint = endpoint;
  }

  /**
   * Uploads `source` and, unless `wait: false`, waits until Gemini has processed it (`ACTIVE`):
   * `FAILED` rejects with `bad_request` and Gemini's reason.
   */
  async upload(
    source: UploadSource,
    options: UploadOptions & { wait?: boolean; wait_timeout?: number } = {},
  ): Promise<UploadedFile> {
    const file = await uploadGeminiFile(this.#endpoint, source, options);
    if (options.wait === false) return file;
    return this.wait_until_active(file, {
      ...(options.wait_timeout === undefined ? {} : { timeout: options.wait_timeout }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.on_progress === undefined ? {} : { on_progress: options.on_progress }),
    });
  }

  /** The file as Gemini has it now. `id`: its resource name (`files/abc-123`) or its URI. */
  async get(id: string, options: { signal?: AbortSignal } = {}): Promise<UploadedFile> {
    const response = await filesRequest(this.#endpoint, {
      path: `${this.#endpoint.basePath}/${resourceName(id)}`,
      method: "GET",
      body: "",
      signal: options.signal,
    });
    return readUploadedFile(jsonOf(response));
  }

  /** One page of the project's files (up to `page_size`, at most 100), and the token of the next. */
  async list(
    options: { page_size?: number; page_token?: string; signal?: AbortSignal } = {},
  ): Promise<{ files: UploadedFile[]; next_page_token: string | undefined }> {
    const query = new URLSearchParams();
    if (options.page_size !== undefined) query.set("pageSize", String(options.page_size));
    if (options.page_token !== undefined) query.set("pageToken", options.page_token);
    const search = query.size > 0 ? `?${query}` : "";
    const body = jsonOf(
      await filesRequest(this.#endpoint, {
        path: `${this.#endpoint.basePath}/files${search}`,
        method: "GET",
        body: "",
        signal: options.signal,
      }),
    ) as { files?: unknown[]; nextPageToken?: unknown };
    return {
      files: Array.isArray(body.files) ? body.files.map(readUploadedFile) : [],
      next_page_token: typeof body.nextPageToken === "string" ? body.nextPageToken : undefined,
    };
  }

  /** Deletes a file (its resource name or URI). */
  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await filesRequest(this.#endpoint, {
      path: `${this.#endpoint.basePath}/${resourceName(id)}`,
      method: "DELETE",
      body: "",
      signal: options.signal,
    });
  }

  /**
   * Waits until the file is `ACTIVE` (checking every 1 to 5 s), bounded by `timeout` seconds and
   * the signal; `FAILED` rejects with `bad_request` and Gemini's reason.
   */
  async wait_until_active(file: UploadedFile | string, options: WaitOptions = {}): Promise<UploadedFile> {
    const timeoutS = options.timeout ?? DEFAULT_WAIT_S;
    if (typeof timeoutS !== "number" || !(timeoutS > 0))
      throw new InvalidArgumentError("timeout", "must be a number of seconds above 0");
    const deadline = performance.now() + timeoutS * 1000;
    let current = typeof file === "string" ? await this.get(file, options) : file;
    for (let check = 0; ; check += 1) {
      options.on_progress?.({
        phase: "processing",
        sent_bytes: current.size_bytes ?? 0,
        total_bytes: current.size_bytes ?? 0,
        state: current.state,
      });
      if (current.state === "ACTIVE") return current;
      if (current.state === "FAILED")
        throw new LLMError({
          kind: "bad_request",
          message: `Gemini could not process ${current.id}${current.error ? `: ${current.error}` : ""}`,
        });
      const delayMs = Math.min(POLL_MAX_MS, POLL_FIRST_MS * 2 ** Math.min(check, 3));
      if (performance.now() + delayMs > deadline)
        throw new LLMError({
          kind: "timeout",
          message: `${current.id} was still ${current.state} after ${timeoutS} s (wait_timeout)`,
        });
      await abortableDelay({
        delayMs,
        signal: options.signal,
        onAbort: () => abortedByCaller(options.signal),
      });
      current = await this.get(current.id, options);
    }
  }
}

/** `files/abc` from `files/abc`, `abc` or the file's URI (`https://.../v1beta/files/abc`). */
function resourceName(id: string): string {
  if (typeof id !== "string" || id === "")
    throw new InvalidArgumentError("id", "must be a file's name or URI");
  const match = /(?:^|\/)files\/([^/?#]+)$/.exec(id);
  const name = match ? match[1]! : id;
  if (!/^[\w-]+$/.test(name)) throw new InvalidArgumentError("id", `is not a Files API name: ${id}`);
  return `files/${name}`;
}
