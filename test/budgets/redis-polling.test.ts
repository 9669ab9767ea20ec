import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LLMResponseStatus } from "../../src/index.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { completion, delayed, json } from "../helpers/handlers.js";
import { RedisServer, redisCommand } from "../helpers/redis-server.js";
import { TestServer } from "../helpers/test-server.js";

/** Calls of the budget script Redis has run (EVALSHA and EVAL). */
async function scriptCalls(port: number): Promise<number> {
  const stats = await redisCommand(port, "INFO", "commandstats");
  let calls = 0;
  for (const match of stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

describe("waiting calls do not poll Redis in a storm", () => {
  let redis: RedisServer;
  let server: TestServer;
  before(async () => {
    [redis, server] = await Promise.all([RedisServer.start(), TestServer.start()]);
  });
  after(() => Promise.all([redis.stop(), server.close()]));

  it("300 calls waiting behind a 1 s first wave ask Redis a few times each, not every 25 ms", async () => {
    // Every answer takes 1 s: the calls after the first wave wait that long for what it learns.
    server.script(
      delayed(
        1000,
        json(200, completion("ok"), {
          "x-ratelimit-limit-requests": "10000",
          "x-ratelimit-remaining-requests": "9990",
          "x-ratelimit-reset-requests": "6ms",
          "x-ratelimit-limit-tokens": "10000000",
          "x-ratelimit-remaining-tokens": "9990000",
          "x-ratelimit-reset-tokens": "6ms",
        }),
      ),
    );
    await redisCommand(redis.port, "CONFIG", "RESETSTAT");
    const llm = clientFor(server, {
      rate_limit: "auto",
      redis_url: redis.url,
      chat_model: "gpt-4o-mini-polling",
      timeout: 10,
    });
    const results = await Promise.all(Array.from({ length: 300 }, () => llm.chat_completions(HELLO)));
    assert.ok(results.every((result) => result.status === LLMResponseStatus.SUCCESS));
    const perRequest = (await scriptCalls(redis.port)) / 300;
    // A waiter polled every 25 ms for the 1 s wave: about 40 calls each before.
    assert.ok(perRequest < 6, `${perRequest.toFixed(1)} script calls per request`);
    await llm.close();
  });
});
