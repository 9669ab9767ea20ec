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
