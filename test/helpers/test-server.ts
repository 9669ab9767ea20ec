import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, before } from "node:test";

/** A request the test server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  raw: string;
  receivedAt: number;
}

/** Answers one request. */
export type Handler = (
  request: RecordedRequest,
  response: ServerResponse,
  incoming: IncomingMessage,
) => void | Promise<void>;

/**
 * A scriptable OpenAI-compatible server on 127.0.0.1 and a random port. Each request takes the next
 * handler from the script (the last one repeats); every request is logged in `requests`.
 */
export class TestServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #script: Handler[] = [];
  #next = 0;
  url = "";

  private constructor() {
    this.#server = createServer((incoming, response) => void this.#handle(incoming, response));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<TestServer> {
    const server = new TestServer();
    await new Promise<void>((resolve) => server.#server.listen(0, "127.0.0.1", resolve));
    const { port } = server.#server.address() as AddressInfo;
    server.url = `http://127.0.0.1:${port}`;
    return server;
  }

  /** Replaces the script: handlers answer successive requests, the last one repeats. */
  script(...handlers: Handler[]): this {
    this.#script = handlers;
    this.#next = 0;
    this.requests.length = 0;
    return this;
  }

  /** Cuts every open connection (a server or proxy that went away mid-answer). */
  destroyConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Connections currently open to the server. */
  get openConnections(): number {
    return this.#sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {}
    const request: RecordedRequest = {
      method: incoming.method ?? "",
      path: incoming.url ?? "",
      headers: incoming.headers,
      body,
      raw,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    const handler = this.#script[Math.min(this.#next, this.#script.length - 1)];
    this.#next += 1;
    if (handler === undefined) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "test server: no handler scripted" } }));
      return;
    }
    await handler(request, response, incoming);
  }
}

/** Starts a test server before the suite's tests and closes it after them. */
export function useTestServer(onStarted: (server: TestServer) => void): void {
  let started: TestServer | undefined;
  before(async () => {
    started = await TestServer.start();
    onStarted(started);
  });
  after(() => started?.close());
}
