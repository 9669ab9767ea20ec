import { redactRedisUrl } from "../core/config-validators.js";
import { redactSecrets } from "../core/redact.js";
import {
  type BudgetClient,
  type BudgetReply,
  openBudgetClient,
  type RedisTarget,
  redisTarget,
} from "./redis-client.js";

/** How long any Redis round trip (or connect) may take before the budget falls back, in ms. */
export const REDIS_TIMEOUT_MS = 250;
/**
 * How long a process's first connection may take, in ms: a process that has just started shares
 * the CPU with its own start-up (and, in a fleet, with its siblings'). A refused connection still
 * fails at once; later reconnects run in the background and never hold a request.
 */
export const REDIS_FIRST_CONNECT_TIMEOUT_MS = 1000;
/** How long after a failure Redis is tried again (in the background, on the next request), in ms. */
export const REDIS_RETRY_INTERVAL_MS = 1000;

/**
 * One connection to the Redis that holds a fleet's budgets, with a circuit breaker in front of it.
 * `run` never waits longer than {@link REDIS_TIMEOUT_MS}: it resolves with the script's reply, or
 * with `undefined` when Redis is down, slow or not connected yet, and then the caller uses its
 * in-process budget. After a failure Redis is left alone for {@link REDIS_RETRY_INTERVAL_MS}; the
 * next call after that reconnects in the background and the fleet rejoins once it answers. One
 * warning per outage. The socket is unref'd and nothing reconnects on a timer, so an open
 * connection never keeps the process alive.
 */
export class RedisConnection {
  readonly #url: string;
  readonly #target: RedisTarget;
  /** A cluster's nodes as last seen: the next connection starts from them, not only the configured ones. */
  #seeds: { host: string; port: number }[] = [];
  #client: BudgetClient | undefined;
  /** The connection being opened; resolves `true` once it can take commands. */
  #connecting: Promise<boolean> | undefined;
  #everConnected = false;
  #downUntil = 0;
  #inOutage = false;
  /** Bumped by `close()`: a connection that completes after it is dropped. */
  #generation = 0;
  /** Told once Redis answers again; see {@link watchBack}. */
  #watchers = new Set<() => void>();
  #backTimer: NodeJS.Timeout | undefined;

  /** `url`: one `redis://` or `rediss://` URL, or a comma-separated list of a Redis Cluster's nodes. */
  constructor(url: string) {
    this.#url = url;
    this.#target = redisTarget(url);
  }

  /** Runs the budget script; `undefined` when Redis cannot answer within the timeout. */
  run(args: (string | number)[]): Promise<BudgetReply | undefined> {
    return this.#send((client) => client.directorLlmBudget(...args));
  }

  /**
   * Sends one plain command (`SET`, `PTTL`, ...) behind the same circuit breaker and time limit;
   * `undefined` when Redis cannot answer (the caller keeps its own state, as the budget does).
   */
  command(name: string, ...args: (string | number)[]): Promise<unknown> {
    return this.#send((client) => client.call(name, ...args));
  }

  async #send<T>(send: (client: BudgetClient) => Promise<T>): Promise<T | undefined> {
    if (performance.now() < this.#downUntil) return undefined;
    // One connection attempt at a time: calls that find one under way wait for it (or, after an
    // outage, go on without Redis) instead of each opening a connection of its own.
    if (this.#client === undefined && this.#connecting === undefined) this.#connect();
    if (this.#connecting !== undefined) {
      // The very first connection is worth a wait; a reconnect is not (it runs in the background).
      if (this.#inOutage || !(await this.#connecting)) return undefined;
    }
    const client = this.#client;
    if (client === undefined) return undefined;
    try {
      const reply = await withinTimeout(send(client), REDIS_TIMEOUT_MS);
      if (this.#inOutage) {
        this.#inOutage = false;
        this.#tellBack();
      }
      return reply;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }

  /**
   * Calls `onBack` once Redis answers again after an outage (a connection opens or a command
   * succeeds). While anyone watches, a reconnection is tried every {@link REDIS_RETRY_INTERVAL_MS}
   * in the background, so calls waiting on the fallback budget hand over without a new call to
   * notice. Returns `release`, which stops watching (the last one out stops the retries).
   */
  watchBack(onBack: () => void): () => void {
    if (this.#watchers.size === 0) this.#scheduleRetry();
    const watcher = () => onBack();
    this.#watchers.add(watcher);
    return () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size === 0) this.#stopWatching();
    };
  }

  #scheduleRetry(): void {
    const delay = Math.max(50, this.#downUntil - performance.now() + 10);
    this.#backTimer = setTimeout(() => {
      this.#backTimer = undefined;
      if (this.#watchers.size === 0) return;
      void this.command("PING");
      this.#scheduleRetry();
    }, delay);
    this.#backTimer.unref();
  }

  #stopWatching(): void {
    if (this.#backTimer !== undefined) clearTimeout(this.#backTimer);
    this.#backTimer = undefined;
  }

  /** Redis answers again: every watcher is told. */
  #tellBack(): void {
    if (this.#watchers.size === 0) return;
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    this.#stopWatching();
    for (const watcher of watchers) watcher();
  }

  /** Closes the connection; a later `run` opens a new one. */
  async close(): Promise<void> {
    this.#watchers.clear();
    this.#stopWatching();
    const client = this.#client;
    this.#client = undefined;
    this.#connecting = undefined;
    this.#generation += 1;
    client?.disconnect();
  }

  #connect(): void {
    const generation = this.#generation;
    const attempt = (async () => {
      const connectTimeoutMs = this.#everConnected ? REDIS_TIMEOUT_MS : REDIS_FIRST_CONNECT_TIMEOUT_MS;
      // During an outage calls go on without Redis: nothing waits for this attempt, and it must
      // not keep the process alive once their work is done.
      const background = this.#inOutage;
      const opened = await openBudgetClient(
        this.#target,
        { connectMs: connectTimeoutMs, commandMs: REDIS_TIMEOUT_MS * 8 },
        this.#seeds,
        (promise) => withinTimeout(promise, connectTimeoutMs, background),
        background,
      );
      const client = opened.client;
      client.on("close", () => {
        if (this.#client === client) this.#fail(new Error("connection closed"));
      });
      if (generation !== this.#generation) {
        // Closed while it connected: this connection is not wanted any more.
        client.disconnect();
        return;
      }
      if (opened.cluster) this.#seeds = opened.nodes();
      this.#client = client;
      this.#everConnected = true;
      this.#tellBack();
    })();
    this.#connecting = attempt.then(
      () => {
        this.#connecting = undefined;
        return true;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        this.#fail(error);
        return false;
      },
    );
  }

  #fail(error: unknown): void {
    this.#downUntil = performance.now() + REDIS_RETRY_INTERVAL_MS;
    const client = this.#client;
    this.#client = undefined;
    client?.disconnect();
    if (this.#inOutage) return;
    this.#inOutage = true;
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(
      `Redis at ${redactRedisUrl(this.#url)} is unavailable (${redactSecrets(describeRedisError(reason, this.#url, this.#everConnected), [this.#url])}); rate budgets fall back to this process until it answers again`,
      { code: "DIRECTOR_LLM_REDIS_UNAVAILABLE" },
    );
  }
}

/**
 * Rejects when `promise` has not settled within `timeoutMs`. When the timer fires it first lets
 * the event loop read the network once (`setImmediate`): after this process was busy (counting a
 * long prompt, loading the tokenizer), the timer phase runs before the reply that has long been
 * waiting in the socket is read, and a slow process must not pass for a slow Redis.
 */
function withinTimeout<T>(promise: Promise<T>, timeoutMs: number, unref = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new Error(`no reply within ${timeoutMs} ms`));
      });
    }, timeoutMs);
    if (unref) timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(error);
      },
    );
  });
}

const connections = new Map<string, RedisConnection>();

/** The process's connection to `url`, shared by every budget on it. */
export function redisConnectionFor(url: string): RedisConnection {
  let connection = connections.get(url);
  if (connection === undefined) {
    connection = new RedisConnection(url);
    connections.set(url, connection);
  }
  return connection;
}

/**
 * What a Redis failure means for the person who set `redis_url`: a missing or wrong password, a
 * port nothing listens on, TLS to a plain port, each with what to set. Other failures as they are.
 */
export function describeRedisError(reason: string, url: string, everConnected: boolean): string {
  let hasPassword = false;
  let tls = false;
  try {
    const parsed = new URL(redisTarget(url).urls[0] ?? url);
    hasPassword = parsed.password !== "" || parsed.username !== "";
    tls = parsed.protocol === "rediss:";
  } catch {}
  // With a wrong password the AUTH reply (WRONGPASS) may lose the race to the first command's
  // NOAUTH: both mean the same to whoever set redis_url.
  if (
    /NOAUTH|unauthenticated|Authentication required|WRONGPASS|invalid username-password|invalid password/i.test(
      reason,
    )
  )
    return hasPassword
      ? "the server refused the user name or password in redis_url"
      : "the server needs a password: put it in redis_url (redis://:PASSWORD@host:port)";
  if (/ECONNREFUSED/.test(reason) || (!everConnected && /Connection is closed/i.test(reason)))
    return `${reason}: nothing accepted a connection there; check the host and port in redis_url`;
  if (tls && !everConnected && /no reply within|timed? ?out|wrong version number|EPROTO/i.test(reason))
    return `${reason}: redis_url is rediss:// (TLS); is the server speaking TLS on that port? Use redis:// for a plain one`;
  return reason;
}
