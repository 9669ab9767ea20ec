import type { Socket } from "node:net";
import type { Client } from "undici";

type Undici = typeof import("undici");
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;
const origins = new Map<string, OriginConnections>();

/**
 * undici, loaded on the first request rather than at import: it is most of what importing the
 * library would cost (about 85 ms on a small machine), and a process that constructs a client
 * but never calls it should not pay for it.
 */
export function loadUndici(): Undici | Promise<Undici> {
  if (undici !== undefined) return undici;
  loading ??= import("undici").then((module) => {
    undici = module;
    return module;
  });
  return loading;
}

/** undici's default; a call's own limits end a connect sooner (see `abortConnecting`). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One origin's keep-alive connections, shared by every client in the process: undici `Client`s
 * (one connection each) on a stack. A request takes the connection freed last, or a new one when
 * none is free; it gives it back when undici is done with it. Not capped, as with undici's
 * default agent, but never more connections than requests in flight: undici's own `Pool` waits a
 * turn of the event loop before it counts a connection as free again, so a request sent as soon
 * as the previous one answered opens a second connection, and a process with 64 calls in flight
 * ends up with 128 (measured; README, Performance). A connection taken here while undici still
 * waits that turn simply queues its request on it for that turn. Idle sockets do not keep the
 * process alive and close after 10 s; a free `Client` whose socket closed is dropped from the
 * stack, so after a burst the stack shrinks back to the connections still open.
 */
export class OriginConnections {
  readonly #free: Client[] = [];
  /** The socket each new connection is still opening (TCP connect and TLS handshake). */
  readonly #connecting = new WeakMap<Client, Socket>();
  readonly #module: Undici;
  readonly #origin: string;

  constructor(module: Undici, origin: string) {
    this.#module = module;
    this.#origin = origin;
  }

  /** Free connections kept (each with its socket open, or being given back). */
  get idle(): number {
    return this.#free.length;
  }

  /** A connection for one request; hand it back with {@link give} once undici is done with it. */
  take(): Client {
    let client = this.#free.pop();
    while (client?.destroyed) client = this.#free.pop();
    return client ?? this.#open();
  }

  give(client: Client): void {
    this.#free.push(client);
  }

  /**
   * Ends a connection that is still being opened, for a request whose time ran out or whose
   * caller aborted: undici's own connect timeout (10 s) knows nothing of the call's limits, and a
   * destroyed `Client` still waits for its connect. Destroying the socket fails the connect now
   * and releases its handle. `false` when the connection is already open (or gone).
   */
  abortConnecting(client: Client): boolean {
    const socket = this.#connecting.get(client);
    if (socket === undefined) return false;
    this.#connecting.delete(client);
    socket.destroy();
    void client.destroy().catch(() => {});
    return true;
  }

  #open(): Client {
    const connector = this.#module.buildConnector({ timeout: CONNECT_TIMEOUT_MS });
    const client: Client = new this.#module.Client(this.#origin, {
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: (options, callback) => {
        // undici's types say the connector returns nothing; it returns the socket it opens.
        const socket = connector(options, (...result) => {
          this.#connecting.delete(client);
          callback(...result);
        }) as unknown as Socket;
        this.#connecting.set(client, socket);
        return socket;
      },
    });
    // Its socket closed (idle past the keep-alive, or by the server): if nobody holds it, it goes.
    // One in use stays with its request and reconnects when given its next one.
    client.on("disconnect", () => {
      const index = this.#free.indexOf(client);
      if (index < 0) return;
      this.#free.splice(index, 1);
      void client.close().catch(() => {});
    });
    return client;
  }
}

/** The process-wide connections of `origin` (`https://host:port`). */
export function connectionsFor(module: Undici, origin: string): OriginConnections {
  let connections = origins.get(origin);
  if (connections === undefined) {
    connections = new OriginConnections(module, origin);
    origins.set(origin, connections);
  }
  return connections;
}
