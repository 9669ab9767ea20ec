import type { CallSignal } from "../core/call-abort.js";
import type { Client, Dispatcher } from "undici";
import { abortedByCaller, LLMError } from "../core/llm-error.js";
import { redactSecrets } from "../core/redact.js";
import { AttemptTimer } from "./attempt-timer.js";
import { OriginConnections } from "./http-agent.js";
import { classifyHttpError } from "./classify-http-error.js";

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** A body sent in pieces (large inline media, a file upload) with its length in bytes; iterable again for a retry. */
export interface PiecesBody {
  pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  length: number;
}

/** One HTTP attempt: a POST with a JSON body (or, for side APIs such as file uploads, another method or bytes). */
export interface PostRequest {
  /** `POST` unless said otherwise. */
  method?: "POST" | "GET" | "DELETE";
  /** `https://host:port` */
  origin: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  /** The body; `""` sends none (GET, DELETE). A large JSON body comes in pieces (see `jsonBody`). */
  body: string | Uint8Array | PiecesBody;
  /** Time limit of the attempt in ms (for a stream: until the headers, then between events). */
  timeoutMs: number;
  /** What a timeout is called in the error message, e.g. `timeout of 30s`. */
  timeoutLabel: string;
  signal?: CallSignal | undefined;
  maxResponseBytes: number;
  /** Texts to remove from every error message (the API key). */
  secrets: readonly string[];
  dispatcher?: Dispatcher | undefined;
  /** Called with the headers of every response, whatever its status (rate-limit pacing). */
  onHeaders?: ((headers: ResponseHeaders) => void) | undefined;
  /** Called just before the request is handed to the network (counts attempts). */
  onSent?: (() => void) | undefined;
}

/** Error bodies are read up to this size; more of an error body is never useful. */
const ERROR_BODY_BYTES = 1024 * 1024;
/** How long a released exchange may go on reading (and dropping) the rest of its body. */
const RELEASE_GRACE_MS = 1000;
/** A streaming consumer this many chunks behind pauses the socket. */
const HIGH_WATER_CHUNKS = 64;

export function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One request/response exchange on undici's low-level `dispatch` API: the fastest path undici
 * has (no AbortController, no body stream object per request). Everything that can go wrong is
 * classified here, once: our timer or the caller's signal, the network, an over-large body, a
 * non-2xx status with its error body.
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  readonly timer: AttemptTimer;
  status = 0;
  headers: ResponseHeaders = {};
  readonly #request: PostRequest;
  readonly #streaming: boolean;
  #controller: Dispatcher.DispatchController | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #limit: number;
  #isError = false;
  #ended = false;
  #failure: LLMError | undefined;
  #settle: { resolve: () => void; reject: (error: LLMError) => void } | undefined;
  #wake: (() => void) | undefined;
  /** Where the connection came from, to give it back once undici is done with the request. */
  #connections: OriginConnections | undefined;
  #connection: Client | undefined;
  #released = false;
  #releaseTimer: NodeJS.Timeout | undefined;

  constructor(request: PostRequest, streaming: boolean) {
    this.#request = request;
    this.#streaming = streaming;
    this.#limit = request.maxResponseBytes;
    this.timer = new AttemptTimer(request.signal, request.timeoutMs);
  }

  /**
   * Sends the request. Resolves when the exchange is complete (buffered) or when a 2xx status and
   * headers have arrived (streaming); rejects with a classified {@link LLMError}.
   */
  send(target: Dispatcher | OriginConnections): Promise<void> {
    const settled = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    if (this.timer.reason !== undefined) {
      this.#fail(this.#abortError());
      return settled;
    }
    this.timer.onFire(() => this.#onTimerFire());
    this.#request.onSent?.();
    const { origin, path, headers, body, method = "POST" } = this.#request;
    let dispatcher: Dispatcher = target as Dispatcher;
    if (target instanceof OriginConnections) {
      this.#connections = target;
      this.#connection = target.take();
      dispatcher = this.#connection;
    }
    const wire =
      typeof body === "string" || body instanceof Uint8Array
        ? { headers, body: body === "" && method !== "POST" ? null : body }
        : { headers: { ...headers, "content-length": String(body.length) }, body: body.pieces };
    dispatcher.dispatch({ origin, path, method, ...wire } as Dispatcher.DispatchOptions, this);
    return settled;
  }

  /** The whole body of a buffered exchange. */
  text(): string {
    const chunks = this.#chunks;
    return chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
  }

  /**
   * The first chunk of a streaming exchange's body, waiting for it (`undefined` when the body is
   * empty or the exchange failed); it stays to be read by {@link batches}.
   */
  async peek(): Promise<Buffer | undefined> {
    while (this.#chunks.length === 0 && !this.#ended && !this.#failure)
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    return this.#chunks[0];
  }

  /** The body of a streaming exchange, in batches of chunks as they arrive. Stops the request if left early. */
  async *batches(): AsyncGenerator<Buffer[], void, undefined> {
    try {
      while (true) {
        if (this.#chunks.length > 0) {
          const batch = this.#chunks;
          this.#chunks = [];
          if (this.#controller?.paused) this.#controller.resume();
          yield batch;
          continue;
        }
        if (this.#failure) throw this.#failure;
        if (this.#ended) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      this.release();
    }
  }

  /**
   * The reader has what it needs (the stream's terminal event arrived, or it stopped reading).
   * Nothing more is delivered and no limit applies any more; the rest of the body is read and
   * dropped for at most a second, so a connection the server ends promptly is kept for the next
   * request, and then the request is cut (a server that leaves the connection open after its last
   * event does not hold the stream, or the process).
   */
  release(): void {
    this.timer.dispose();
    if (this.#ended || this.#failure || this.#released) return;
    this.#released = true;
    this.#chunks = [];
    if (this.#controller?.paused) this.#controller.resume();
    this.#releaseTimer = setTimeout(
      () => this.#controller?.abort(new Error("stream released")),
      RELEASE_GRACE_MS,
    );
    this.#releaseTimer.unref();
  }

  /** Stops an exchange whose body is no longer wanted, and releases its timer. */
  cancel(): void {
    if (!this.#ended && !this.#failure) {
      this.#failure = new LLMError({ kind: "aborted", message: "stream closed by its reader" });
      this.#controller?.abort(this.#failure);
    }
    this.timer.dispose();
  }

  /**
   * The attempt's time ran out or its caller aborted. Once undici started the request, aborting
   * its controller ends it; before that (still connecting), the exchange fails now and a
   * connection being opened for it is torn down, so no limit waits for a connect timeout.
   */
  #onTimerFire(): void {
    if (this.#controller !== undefined) {
      this.#controller.abort(new Error("attempt ended"));
      return;
    }
    this.#fail(this.#abortError());
    if (this.#connection !== undefined) this.#connections?.abortConnecting(this.#connection);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.timer.reason !== undefined || this.#failure) controller.abort(new Error("attempt ended"));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: ResponseHeaders,
  ): void {
    this.status = status;
    this.headers = headers;
    this.#request.onHeaders?.(headers);
    if (status < 200 || status >= 300) {
      this.#isError = true;
      this.#limit = Math.min(this.#limit, ERROR_BODY_BYTES);
      return;
    }
    const declared = Number(firstHeader(headers, "content-length"));
    if (declared > this.#limit) {
      this.#tooLarge();
      return;
    }
    if (this.#streaming) this.#settle?.resolve();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#failure || this.#released) return;
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      if (this.#isError) {
        // An endless error body: classify what fit, and stop reading.
        this.#failWithStatus();
        controller.abort(this.#failure!);
        return;
      }
      this.#tooLarge();
      return;
    }
    this.#chunks.push(chunk);
    if (this.#streaming && !this.#isError) {
      if (this.#chunks.length >= HIGH_WATER_CHUNKS) controller.pause();
      this.#wakeUp();
    }
  }

  onResponseEnd(): void {
    clearTimeout(this.#releaseTimer);
    this.#giveBack();
    if (this.#failure) return;
    this.#ended = true;
    if (this.#isError) {
      this.#failWithStatus();
      return;
    }
    if (!this.#streaming) this.timer.dispose();
    this.#settle?.resolve();
    this.#wakeUp();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    clearTimeout(this.#releaseTimer);
    this.#giveBack();
    if (this.#failure) return;
    if (this.timer.reason !== undefined) {
      this.#fail(this.#abortError());
      return;
    }
    const code = (error as { code?: unknown }).code;
    const message = redactSecrets(
      `${typeof code === "string" ? `${code}: ` : ""}${error.message}`,
      this.#request.secrets,
    );
    this.#fail(new LLMError({ kind: "connection", message, retryable: true, cause: error }));
  }

  /** Undici is done with the request (it ended or failed): its connection may take the next one. */
  #giveBack(): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#connection = undefined;
    this.#connections!.give(connection);
  }

  /** Fails with the classification of a non-2xx status and the error body read so far. */
  #failWithStatus(): void {
    const bodyText = this.text();
    this.#fail(
      classifyHttpError({
        status: this.status,
        headers: this.headers,
        bodyText,
        secrets: this.#request.secrets,
      }),
    );
  }

  #abortError(): LLMError {
    if (this.timer.reason === "timeout") {
      const label = this.timer.deadlinePassed ? "total_timeout" : this.#request.timeoutLabel;
      return new LLMError({
        kind: "timeout",
        message: `request exceeded the ${label}`,
        retryable: true,
      });
    }
    return abortedByCaller(this.#request.signal);
  }

  #tooLarge(): void {
    const error = new LLMError({
      kind: "response_too_large",
      message: `response body exceeds max_response_bytes (${this.#request.maxResponseBytes} bytes)`,
      status_code: this.status,
    });
    this.#fail(error);
    this.#controller?.abort(error);
  }

  #fail(error: LLMError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#chunks = [];
    this.timer.dispose();
    this.#settle?.reject(error);
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
