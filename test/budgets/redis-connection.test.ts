import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RedisConnection } from "../../src/budgets/redis-connection.js";
import { RedisServer, redisCommand } from "../helpers/redis-server.js";

/** Clients connected to the Redis, less the one that asks. */
async function clients(port: number): Promise<number> {
  const list = await redisCommand(port, "CLIENT", "LIST");
  return list.split("\n").filter((line) => line.includes("addr=")).length - 1;
}

describe("one Redis connection per process", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  it("32 concurrent first calls share one connection attempt; close() leaves none open", async () => {
    const connection = new RedisConnection(redis.url);
    const replies = await Promise.all(
      Array.from({ length: 32 }, (_, index) => connection.command("SET", `k${index}`, "1")),
    );
    assert.deepStrictEqual(new Set(replies), new Set(["OK"]));
    assert.equal(await clients(redis.port), 1);
    await connection.close();
    for (let tries = 0; tries < 50 && (await clients(redis.port)) > 0; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await clients(redis.port), 0);
  });

  it("a connection that completes after close() is dropped, not kept", async () => {
    const connection = new RedisConnection(redis.url);
    const pending = connection.command("PING");
    await connection.close();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await clients(redis.port), 0);
  });
});

describe("Redis misconfiguration says what is wrong and what to set", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
    await redisCommand(redis.port, "CONFIG", "SET", "requirepass", "s3cret-pass");
  });
  after(() => redis.stop());

  /** The warning a connection to `url` emits, from a real connection attempt. */
  async function warningFor(url: string): Promise<string> {
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listen);
    try {
      const connection = new RedisConnection(url);
      await connection.command("PING");
      await connection.close();
      await new Promise((resolve) => setImmediate(resolve));
      return warnings.join("\n");
    } finally {
      process.off("warning", listen);
    }
  }

  it("no password, a wrong password, a port nothing listens on, TLS to a plain port; the password never shows", async () => {
    assert.match(
      await warningFor(`redis://127.0.0.1:${redis.port}`),
      /the server needs a password: put it in redis_url/,
    );
    const wrong = await warningFor(`redis://:wrong-pass@127.0.0.1:${redis.port}`);
    assert.match(wrong, /refused the user name or password in redis_url/);
    assert.match(wrong, /redis:\/\/:\[redacted\]@127\.0\.0\.1/);
    assert.ok(!wrong.includes("wrong-pass"));
    const closed = await freePortNumber();
    assert.match(
      await warningFor(`redis://127.0.0.1:${closed}`),
      /nothing accepted a connection there; check the host and port/,
    );
    assert.match(
      await warningFor(`rediss://127.0.0.1:${redis.port}`),
      /is the server speaking TLS on that port\?/,
    );
  });
});

/** A loopback port nothing listens on. */
async function freePortNumber(): Promise<number> {
  const { freePort } = await import("../helpers/redis-server.js");
  return freePort();
}
