import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A file the server holds. */
interface StoredFile {
  name: string;
  mimeType: string;
  displayName: string | undefined;
  bytes: Buffer;
  /** GETs left answering PROCESSING before the file turns ACTIVE (or FAILED). */
  processingChecks: number;
  fails: boolean;
}

interface Session {
  size: number;
  mimeType: string;
  displayName: string | undefined;
  chunks: Buffer[];
  received: number;
  final: StoredFile | undefined;
}

/** A request as the server saw it (for what the client sent: headers, URL, method). */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  bytes: number;
}

/**
 * Gemini's Files API on 127.0.0.1 (resumable uploads with `start`, `upload`, `upload, finalize` and
 * `query`; `GET`/`DELETE` of `files/{id}`; the list), with the file states a video goes through
 * (`PROCESSING` then `ACTIVE`, or `FAILED`) and faults to inject: a connection cut in the middle of
 * a chunk, a 500 on a chunk, an upload session on another origin.
 */
export class GeminiFilesServer {
  readonly seen: SeenRequest[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly #sessions = new Map<string, Session>();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #serial = 0;
  url = "";
  /** Faults, by the 0-based index of the upload chunk they hit (each happens once). */
  faults: { cutChunk?: number; failChunk?: number; sessionOrigin?: string } = {};
  /** How new files behave once uploaded. */
  processing = { checks: 1, fails: false };
  #chunkIndex = 0;

  private constructor(readonly key: string) {
    this.#server = createServer((request, response) => void this.#handle(request, response));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  static async start(key: string): Promise<GeminiFilesServer> {
    const server = new GeminiFilesServer(key);
    await new Promise<void>((resolve) => server.#server.listen(0, "127.0.0.1", resolve));
    server.url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  /** Between tests: no faults, one PROCESSING check, nothing seen, chunks counted from 0. */
  reset(): void {
    this.faults = {};
    this.processing = { checks: 1, fails: false };
    this.seen.length = 0;
    this.#chunkIndex = 0;
  }

  /** The sha256 of a stored file's bytes. */
  digest(name: string): string | undefined {
    const file = this.files.get(name);
    return file && createHash("sha256").update(file.bytes).digest("hex");
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const command = String(request.headers["x-goog-upload-command"] ?? "");
    const isChunk = command.startsWith("upload");
    const chunkIndex = isChunk ? this.#chunkIndex++ : -1;
    if (isChunk && chunkIndex === this.faults.cutChunk) {
      // Take part of the chunk, then cut the connection: the chunk never counts.
      delete this.faults.cutChunk;
      request.once("data", () => request.socket.destroy());
      return;
    }
    const body = await readBody(request);
    this.seen.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      bytes: body.length,
    });
    if (request.headers["x-goog-api-key"] !== this.key)
      return json(response, 403, { error: { code: 403, message: "no key", status: "PERMISSION_DENIED" } });
    if (isChunk && chunkIndex === this.faults.failChunk) {
      delete this.faults.failChunk;
      return json(response, 500, { error: { code: 500, message: "Internal error", status: "INTERNAL" } });
    }
    if (url.pathname === "/upload/v1beta/files" && command === "start") {
      const id = `s${++this.#serial}`;
      const meta = JSON.parse(body.toString("utf8") || "{}") as { file?: { display_name?: string } };
      this.#sessions.set(id, {
        size: Number(request.headers["x-goog-upload-header-content-length"]),
        mimeType: String(request.headers["x-goog-upload-header-content-type"]),
        displayName: meta.file?.display_name,
        chunks: [],
        received: 0,
        final: undefined,
      });
      const origin = this.faults.sessionOrigin ?? this.url;
      response.writeHead(200, {
        "x-goog-upload-url": `${origin}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
        "x-goog-upload-status": "active",
        "x-goog-upload-chunk-granularity": "262144",
      });
      return void response.end();
    }
    if (url.pathname === "/upload/v1beta/files") {
      const session = this.#sessions.get(url.searchParams.get("upload_id") ?? "");
      if (session === undefined)
        return json(response, 404, { error: { code: 404, message: "no such upload" } });
      if (command === "query") {
        response.writeHead(200, {
          "x-goog-upload-status": session.final ? "final" : "active",
          "x-goog-upload-size-received": String(session.received),
        });
        return void response.end(
          session.final ? JSON.stringify({ file: this.#resource(session.final) }) : "",
        );
      }
      if (Number(request.headers["x-goog-upload-offset"]) !== session.received)
        return json(response, 400, { error: { code: 400, message: "offset mismatch" } });
      session.chunks.push(body);
      session.received += body.length;
      if (command !== "upload, finalize")
        return void response.writeHead(200, { "x-goog-upload-status": "active" }).end();
      const bytes = Buffer.concat(session.chunks);
      if (bytes.length !== session.size)
        return json(response, 400, { error: { code: 400, message: "size mismatch" } });
      const name = `files/f${this.#serial}x${this.files.size}`;
      const file: StoredFile = {
        name,
        mimeType: session.mimeType,
        displayName: session.displayName,
        bytes,
        processingChecks: this.processing.checks,
        fails: this.processing.fails,
      };
      this.files.set(name, file);
      session.final = file;
      response.setHeader("x-goog-upload-status", "final");
      return json(response, 200, { file: this.#resource(file) });
    }
    if (url.pathname === "/v1beta/files" && request.method === "GET")
      return json(response, 200, { files: [...this.files.values()].map((file) => this.#resource(file)) });
    const match = /^\/v1beta\/(files\/[\w-]+)$/.exec(url.pathname);
    const file = match ? this.files.get(match[1]!) : undefined;
    if (file === undefined)
      return json(response, 404, { error: { code: 404, message: "not found", status: "NOT_FOUND" } });
    if (request.method === "DELETE") {
      this.files.delete(file.name);
      return json(response, 200, {});
    }
    if (file.processingChecks > 0) file.processingChecks -= 1;
    return json(response, 200, this.#resource(file));
  }

  #resource(file: StoredFile) {
    const state = file.processingChecks > 0 ? "PROCESSING" : file.fails ? "FAILED" : "ACTIVE";
    return {
      name: file.name,
      ...(file.displayName === undefined ? {} : { displayName: file.displayName }),
      mimeType: file.mimeType,
      sizeBytes: String(file.bytes.length),
      uri: `${this.url}/v1beta/${file.name}`,
      state,
      expirationTime: "2026-12-08T20:00:00Z",
      ...(state === "FAILED" ? { error: { code: 3, message: "the video could not be decoded" } } : {}),
    };
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
