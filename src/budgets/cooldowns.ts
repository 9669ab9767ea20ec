import { createHash } from "node:crypto";
import { redisConnectionFor } from "./redis-connection.js";

/**
 * Where the fallback chain keeps which members are cooling down and how often each failed lately.
 * Two backends: {@link LocalCooldowns} (this process) and {@link RedisCooldowns} (a fleet shares
 * them through Redis, each process keeping its own when Redis cannot answer).
 */
export interface Cooldowns {
  /** Milliseconds left of `member`'s cooldown; 0 when it may be tried. */
  remaining(member: string): Promise<number> | number;
  /** Cools `member` down for `ms` (a longer cooldown already running is kept). */
  coolDown(member: string, ms: number): Promise<void> | void;
  /** Counts a failure of `member`; resolves with its failures within the last `windowMs`, this one included. */
  failed(member: string, windowMs: number): Promise<number> | number;
  /** Forgets `member`'s failures after it answered. */
  succeeded(member: string): void;
}

/** Cooldowns of this process, on a monotonic clock. */
export class LocalCooldowns implements Cooldowns {
  readonly #until = new Map<string, number>();
  readonly #failures = new Map<string, number[]>();

  remaining(member: string): number {
    const until = this.#until.get(member);
    if (until === undefined) return 0;
    const left = until - performance.now();
    if (left > 0) return left;
    this.#until.delete(member);
    return 0;
  }

  coolDown(member: string, ms: number): void {
    const until = performance.now() + ms;
    if ((this.#until.get(member) ?? 0) < until) this.#until.set(member, until);
  }

  failed(member: string, windowMs: number): number {
    const now = performance.now();
    const recent = (this.#failures.get(member) ?? []).filter((at) => now - at < windowMs);
    recent.push(now);
    this.#failures.set(member, recent);
    return recent.length;
  }

  succeeded(member: string): void {
    this.#failures.delete(member);
  }
}

/** How long a process trusts what Redis said about a member before asking again, in ms. */
const READ_AGAIN_MS = 500;

/**
 * Cooldowns shared by every process on one Redis (through the budgets' connection, circuit breaker
 * and time limit): a cooldown is a key with a time to live, a failure count a counter that expires
 * with its window, so no process compares clocks. What Redis cannot answer falls back to this
 * process's own {@link LocalCooldowns}, which every write also updates.
 */
export class RedisCooldowns implements Cooldowns {
  readonly #local = new LocalCooldowns();
  readonly #connection;
  readonly #prefix: string;
  /** When each member's cooldown was last read from Redis. */
  readonly #readAt = new Map<string, number>();

  constructor(url: string, namespace: string) {
    this.#connection = redisConnectionFor(url);
    this.#prefix = `director-llm:{cooldown}:${createHash("sha256").update(namespace).digest("hex").slice(0, 16)}:`;
  }

  async remaining(member: string): Promise<number> {
    const local = this.#local.remaining(member);
    if (local > 0) return local;
    const now = performance.now();
    if (now - (this.#readAt.get(member) ?? Number.NEGATIVE_INFINITY) < READ_AGAIN_MS) return 0;
    this.#readAt.set(member, now);
    const ttl = await this.#connection.command("PTTL", this.#key(member, "until"));
    if (typeof ttl !== "number" || ttl <= 0) return 0;
    this.#local.coolDown(member, ttl);
    return ttl;
  }

  async coolDown(member: string, ms: number): Promise<void> {
    this.#local.coolDown(member, ms);
    const key = this.#key(member, "until");
    const ttl = await this.#connection.command("PTTL", key);
    if (typeof ttl === "number" && ttl >= ms) return;
    await this.#connection.command("SET", key, "1", "PX", Math.max(1, Math.ceil(ms)));
  }

  async failed(member: string, windowMs: number): Promise<number> {
    const local = this.#local.failed(member, windowMs);
    const key = this.#key(member, "failures");
    const count = await this.#connection.command("INCR", key);
    if (typeof count !== "number") return local;
    if (count === 1) await this.#connection.command("PEXPIRE", key, Math.max(1, Math.ceil(windowMs)));
    return Math.max(count, local);
  }

  succeeded(member: string): void {
    this.#local.succeeded(member);
    void this.#connection.command("DEL", this.#key(member, "failures"));
  }

  #key(member: string, what: string): string {
    return `${this.#prefix}${createHash("sha256").update(member).digest("hex").slice(0, 24)}:${what}`;
  }
}
