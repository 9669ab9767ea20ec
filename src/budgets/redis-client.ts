import { BUDGET_SCRIPT } from "./redis-budget-script.js";

/** The budget script's reply: outcome, wait in ms, tokens debited, and the state's epoch. */
export type BudgetReply = [string, number, number, number?];

/** The one ioredis command we define: the budget script (EVALSHA, falling back to EVAL on NOSCRIPT). */
export interface BudgetClient {
  directorLlmBudget(...args: (string | number)[]): Promise<BudgetReply>;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<void>;
  disconnect(): void;
}

type Definable = BudgetClient & {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
};
/** A node connection as ioredis hands it over: its socket is unref'd so it never holds the process. */
interface NodeClient {
  stream?: { unref?: () => void } | undefined;
  options?: { host?: string; port?: number };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}
interface Ioredis {
  Redis: new (url: string, options: Record<string, unknown>) => Definable & NodeClient;
  Cluster: new (
    nodes: { host: string; port: number }[],
    options: Record<string, unknown>,
  ) => Definable & { nodes(role?: string): NodeClient[] };
}

let loaded: Promise<Ioredis> | undefined;

function loadIoredis(): Promise<Ioredis> {
  loaded ??= import("ioredis").then((module) => {
    const exported = module as unknown as Partial<Ioredis> & { default?: Ioredis["Redis"] };
    const Redis = exported.Redis ?? exported.default;
    const Cluster = exported.Cluster ?? (Redis as unknown as { Cluster?: Ioredis["Cluster"] }).Cluster;
    if (Redis === undefined || Cluster === undefined)
      throw new Error("the ioredis module exports no Redis class");
    return { Redis, Cluster };
  });
  return loaded;
}

/** Where a budget lives: one Redis, or the seed nodes of a Redis Cluster. */
export interface RedisTarget {
  /** The URLs as configured: one, or several separated by commas (a cluster's nodes). */
  urls: string[];
  /** `true` when the URLs are a cluster's nodes (a list, or one node that says it is in a cluster). */
  cluster: boolean;
}

/** Reads `redis_url`: one `redis://` URL, or a comma-separated list of a cluster's nodes. */
export function redisTarget(url: string): RedisTarget {
  const urls = url
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  return { urls, cluster: urls.length > 1 };
}

/** ioredis options shared by a plain connection and each node of a cluster. */
function nodeOptions(timeouts: { connectMs: number; commandMs: number }) {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    // Our own timeout decides; this only reclaims commands it gave up on.
    commandTimeout: timeouts.commandMs,
    connectTimeout: timeouts.connectMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disableClientInfo: true,
  };
}

/** The credentials and TLS of a URL, as ioredis takes them for a cluster's nodes. */
function credentials(url: string): Record<string, unknown> {
  const parsed = new URL(url);
  return {
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || 6379) };
}

/**
 * Opens a connection that can run the budget script: a plain ioredis client, or an ioredis
 * `Cluster` (which follows `MOVED` and `ASK` and finds the master after a fail-over) when the
 * target is a cluster. A single URL whose server says `cluster_enabled:1` is reopened as a
 * cluster seeded with it. `seeds`: nodes learned earlier (kept across reconnects, so a
 * configured node that died does not strand the process). Sockets are unref'd (while connecting
 * too, when `background`).
 */
export async function openBudgetClient(
  target: RedisTarget,
  timeouts: { connectMs: number; commandMs: number },
  seeds: { host: string; port: number }[],
  within: <T>(promise: Promise<T>) => Promise<T>,
  /** Nobody waits for this connection (a reconnection after an outage). */
  background = false,
): Promise<{ client: BudgetClient; cluster: boolean; nodes: () => { host: string; port: number }[] }> {
  const { Redis, Cluster } = await loadIoredis();
  const unref = (node: NodeClient) => {
    node.stream?.unref?.();
    node.on("connect", () => node.stream?.unref?.());
  };
  const open = async <C extends Definable>(client: C): Promise<C> => {
    client.defineCommand("directorLlmBudget", { numberOfKeys: 2, lua: BUDGET_SCRIPT });
    client.on("error", () => {});
    try {
      const connecting = client.connect();
      // A reconnection nobody waits for must not hold the process while its socket connects
      // (a black-holed host, a TLS handshake that never ends): ioredis creates it on the next tick.
      if (background) setImmediate(() => (client as unknown as NodeClient).stream?.unref?.());
      await within(connecting);
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return client;
  };
  if (!target.cluster) {
    const client = new Redis(target.urls[0]!, nodeOptions(timeouts));
    unref(client);
    await open(client);
    client.stream?.unref?.();
    // One question on connect: is this node part of a cluster? (A user that may not ask INFO
    // is taken at its word: a single Redis.) Any other failure (a wrong password) is the
    // connection's.
    let info: unknown = "";
    try {
      info = await within(client.call("INFO", "cluster"));
    } catch (error) {
      if (!/NOPERM|unknown command|not allowed/i.test(error instanceof Error ? error.message : "")) {
        client.disconnect();
        throw error;
      }
    }
    if (!/cluster_enabled:1/.test(String(info))) return { client, cluster: false, nodes: () => [] };
    client.disconnect();
    target.cluster = true;
  }
  const configured = target.urls.map(hostPort);
  const known = new Map<string, { host: string; port: number }>();
  for (const node of [...configured, ...seeds]) known.set(`${node.host}:${node.port}`, node);
  const cluster = new Cluster([...known.values()], {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    clusterRetryStrategy: () => null,
    slotsRefreshTimeout: timeouts.connectMs,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    redisOptions: { ...nodeOptions(timeouts), ...credentials(target.urls[0]!) },
  });
  cluster.on("+node", (node) => unref(node as NodeClient));
  await open(cluster);
  // ioredis opens a node's connection on its first command: open the masters' now, within the
  // connect's time limit, so the first reservation is not the one that pays for it.
  await within(
    Promise.all(
      cluster.nodes("master").map((node) => (node as NodeClient & Definable).connect().catch(() => {})),
    ),
  ).catch(() => {});
  for (const node of cluster.nodes("all")) unref(node);
  return {
    client: cluster,
    cluster: true,
    nodes: () =>
      cluster
        .nodes("all")
        .map((node) => ({ host: node.options?.host ?? "", port: node.options?.port ?? 0 }))
        .filter((node) => node.host !== "" && node.port > 0),
  };
}
