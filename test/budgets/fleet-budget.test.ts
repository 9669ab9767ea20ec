import assert from "node:assert/strict";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { LLMResponseStatus, OpenAI } from "../../src/index.js";
import { RedisConnection } from "../../src/budgets/redis-connection.js";
import { RedisRateBudget } from "../../src/budgets/redis-rate-budget.js";
import { TEST_KEY, timed } from "../helpers/client.js";
import { fleetServer, fleetTotals, runFleet } from "../helpers/fleet.js";
import { completion, json } from "../helpers/handlers.js";
import { freePort, RedisServer, redisCommand } from "../helpers/redis-server.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

let keySerial = 0;
const freshKey = () => `${TEST_KEY}-fleet-${process.pid}-${++keySerial}`;
const LIMITED_HEADERS = {
  "x-ratelimit-limit-requests": "2",
  "x-ratelimit-remaining-requests": "0",
  "x-ratelimit-reset-requests": "200ms",
};
/** A 200 with plenty of budget left in its rate-limit headers. */
const ROOMY = json(200, completion("hi"), {
  "x-ratelimit-limit-requests": "100",
  "x-ratelimit-remaining-requests": "99",
  "x-ratelimit-reset-requests": "600ms",
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** 10 requests per second and none left: one request every ~100 ms. */
const TEN_PER_SECOND_SPENT = {
  "x-ratelimit-limit-requests": "10",
  "x-ratelimit-remaining-requests": "0",
  "x-ratelimit-reset-requests": "1000ms",
};
/** Until the connection answers again after an outage (bounded: 3 s). */
async function untilBack(connection: RedisConnection): Promise<void> {
  for (let round = 0; round < 60 && (await connection.command("PING")) !== "PONG"; round += 1)
    await sleep(50);
}

describe("fleet: processes that share a key", () => {
  let server: TestServer;
  let redis: RedisServer;
  useTestServer((started) => {
    server = started;
  });
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  /**
   * Runs `processes` real processes on one fresh key (concurrency 4 each), applying `fault` to Redis
   * `afterMs` in, and asserts that nothing was lost: every call succeeded, and the server served each.
   */
  async function lossless(options: {
    processes: number;
    count: number;
    redisUrl?: string;
    fault?: { afterMs: number; apply: () => unknown };
  }) {
    const stats = fleetServer(server);
    let applied: Promise<unknown> | undefined;
    const results = await runFleet({
      processes: options.processes,
      base: `${server.url}/v1`,
      key: freshKey(),
      count: options.count,
      concurrency: 4 * options.processes,
      redisUrl: options.redisUrl,
      timeoutMs: 30_000,
      onSpawned: () => {
        const { fault } = options;
        if (fault) applied = sleep(fault.afterMs).then(fault.apply);
      },
    });
    await applied;
    const totals = fleetTotals(results);
    assert.deepStrictEqual(totals.failed, []);
    assert.equal(totals.ok, options.count);
    assert.equal(stats.ok, options.count);
    return { totals, stats };
  }

  it("with Redis, 4 processes pace as one client: all 80 calls succeed with at most 3 429s", async () => {
    const { totals, stats } = await lossless({ processes: 4, count: 80, redisUrl: redis.url });
    assert.ok(stats.limited <= 3, `${stats.limited} 429s`);
    assert.deepStrictEqual(totals.warnings, [], "Redis was up the whole time");
  });

  it("without Redis, 4 processes lose nothing: 429s that say when to come back are waits", async () => {
    const { stats } = await lossless({ processes: 4, count: 80 });
    assert.ok(stats.limited <= 40, `${stats.limited} 429s`);
  });

  it("Redis never started: every call succeeds on the local budget, one warning per process", async () => {
    const closedPort = await freePort();
    const { totals } = await lossless({
      processes: 2,
      count: 30,
      redisUrl: `redis://127.0.0.1:${closedPort}`,
    });
    assert.deepStrictEqual(totals.warnings, [
      "DIRECTOR_LLM_REDIS_UNAVAILABLE",
      "DIRECTOR_LLM_REDIS_UNAVAILABLE",
    ]);
  });

  it("Redis that never answers (TLS handshake hangs): every process exits as soon as its calls are done", async () => {
    // A listener that takes the TCP connection and never answers the TLS client hello: the
    // connection stays in its connect phase, as with a black-holed host.
    const sockets = new Set<Socket>();
    const hole = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", resolve));
    const { port } = hole.address() as AddressInfo;
    try {
      const stats = fleetServer(server);
      const results = await runFleet({
        processes: 2,
        base: `${server.url}/v1`,
        key: freshKey(),
        count: 30,
        concurrency: 8,
        redisUrl: `rediss://127.0.0.1:${port}`,
        timeoutMs: 30_000,
      });
      assert.deepStrictEqual(fleetTotals(results).failed, []);
      assert.equal(stats.ok, 30);
      // Before the fix a background reconnect held the process for its connect timeout (1 s).
      for (const result of results)
        assert.ok(result.exitLagMs < 500, `exited ${Math.round(result.exitLagMs)} ms after its last call`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
  });

  it("Redis killed mid-run: nothing is lost and every process exits on its own", async () => {
    const { totals } = await lossless({
      processes: 4,
      count: 80,
      redisUrl: redis.url,
      fault: { afterMs: 1500, apply: () => redis.kill() },
    });
    assert.ok(totals.warnings.length <= 4, `one warning per process at most: ${totals.warnings}`);
    await redis.restart();
  });

  it("Redis frozen (SIGSTOP) mid-run: no call hangs on it, nothing is lost", async () => {
    const { totals } = await lossless({
      processes: 2,
      count: 40,
      redisUrl: redis.url,
      fault: { afterMs: 1000, apply: () => redis.freeze() },
    });
    redis.thaw();
    assert.ok(totals.warnings.length <= 2, `one warning per process at most: ${totals.warnings}`);
  });
});

describe("the shared budget in Redis", () => {
  let redis: RedisServer;
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  /** Two budgets on separate connections: as two processes see the same Redis. */
  function twoProcesses(id: string) {
    const connections = [new RedisConnection(redis.url), new RedisConnection(redis.url)];
    const budgets = connections.map(
      (connection) => new RedisRateBudget({ connection, id, fixed: undefined, probeLeaseMs: 5000 }),
    );
    return {
      connections: connections as [RedisConnection, RedisConnection],
      budgets: budgets as [RedisRateBudget, RedisRateBudget],
      close: () => Promise.all(connections.map((c) => c.close())),
    };
  }
  const ask = { promptTokens: 10, maxTokens: 10 };

  it("the first wave is fleet-wide: 8 requests across processes, then the rest wait for headers", async () => {
    const { budgets, close } = twoProcesses(`probe-${process.pid}`);
    const wave = [];
    for (let index = 0; index < 8; index += 1) wave.push(await budgets[index % 2]!.acquire(ask));
    let granted = false;
    const next = budgets[1].acquire(ask).then((reservation) => {
      granted = true;
      return reservation;
    });
    await sleep(150);
    assert.equal(granted, false, "waits while the first wave is out");
    wave[0]!.observe({
      ...LIMITED_HEADERS,
      "x-ratelimit-remaining-requests": "50",
      "x-ratelimit-limit-requests": "100",
    });
    (await next).settle();
    for (const reservation of wave) reservation.settle();
    await close();
  });

  it("a first wave that never answers hands the probe to the next request", async () => {
    const { budgets, close } = twoProcesses(`probe-lost-${process.pid}`);
    const wave = [await budgets[0].acquire(ask), await budgets[1].acquire(ask)];
    const next = budgets[1].acquire({ ...ask, maxTokens: 40_000 }); // too large for the wave
    let granted = false;
    void next.then(() => {
      granted = true;
    });
    wave[0]!.settle(); // failed without a response: one of the wave is still out
    await sleep(100);
    assert.equal(granted, false, "still waits for the rest of the wave");
    wave[1]!.settle();
    (await next).settle(); // the wave is over with nothing learned: it probes
    await close();
  });

  it("budget keys lost (FLUSHALL) mid-run: the fleet resumes at the learned rate, no first wave", async () => {
    const { budgets, close } = twoProcesses(`flushed-${process.pid}`);
    const probe = await budgets[0].acquire(ask);
    probe.observe(TEN_PER_SECOND_SPENT);
    probe.settle();
    await sleep(20);
    assert.equal(await redisCommand(redis.port, "FLUSHALL"), "+OK\r\n");
    let granted = 0;
    const next = Array.from({ length: 3 }, () =>
      budgets[0].acquire(ask).then((reservation) => {
        granted += 1;
        return reservation;
      }),
    );
    await sleep(40);
    // Before the fix the empty keys started a first wave: all 3 went at once into a spent budget.
    assert.equal(granted, 0, "nothing is sent at once into a budget the fleet had spent");
    for (const reservation of await Promise.all(next)) reservation.settle();
    assert.equal(granted, 3);
    await close();
  });

  it("Redis back after an outage: calls waiting on the fallback budget move to the shared one", async () => {
    const id = `handover-${process.pid}`;
    const { budgets, connections, close } = twoProcesses(id);
    for (const budget of budgets) {
      const reservation = await budget.acquire(ask);
      reservation.observe(TEN_PER_SECOND_SPENT);
      reservation.settle();
    }
    await sleep(50); // the reports reach Redis
    await redis.kill();
    // 20 calls queue on process A's fallback budget (one every ~100 ms: about 2 s of them).
    const grantsA: number[] = [];
    const callsA = Array.from({ length: 20 }, () =>
      budgets[0].acquire(ask).then((reservation) => {
        grantsA.push(performance.now());
        reservation.settle();
      }),
    );
    await sleep(200);
    await redis.restart();
    // Nobody else calls: A's own waiters must notice Redis and take their places there.
    const pendingKey = `director-llm:{${id}}:pending`;
    let waiting = 0;
    for (let round = 0; round < 60 && waiting === 0; round += 1) {
      await sleep(50);
      waiting = Number((await redisCommand(redis.port, "ZCARD", pendingKey)).slice(1));
    }
    assert.ok(waiting > 0, "the calls waiting in process A moved to the shared budget");
    // Process B is back on Redis too (its first call after an outage would use its own budget).
    await untilBack(connections[1]);
    // Process B's calls now queue behind A's in Redis instead of sending beside them.
    const grantsB: number[] = [];
    const callsB = Array.from({ length: 3 }, () =>
      budgets[1].acquire(ask).then((reservation) => {
        grantsB.push(performance.now());
        reservation.settle();
      }),
    );
    await Promise.all([...callsA, ...callsB]);
    assert.ok(
      Math.min(...grantsB) >= Math.max(...grantsA),
      "B's calls went after every call A had waiting: the fleet kept one rate",
    );
    await close();
  });

  it("Redis frozen, then back with its keys: the time it missed is not credited as a burst", async () => {
    const { budgets, connections, close } = twoProcesses(`thawed-${process.pid}`);
    const probe = await budgets[0].acquire(ask);
    probe.observe(TEN_PER_SECOND_SPENT);
    probe.settle();
    await sleep(50); // the reports reach Redis
    redis.freeze();
    try {
      // During the outage the process sends on its own budget (which refills as the server's does).
      (await budgets[0].acquire(ask)).settle();
      await sleep(1500);
    } finally {
      redis.thaw();
    }
    await untilBack(connections[0]);
    let granted = 0;
    const calls = Array.from({ length: 5 }, () =>
      budgets[0].acquire(ask).then((reservation) => {
        granted += 1;
        reservation.settle();
      }),
    );
    await sleep(50);
    // Before the fix Redis credited the 1.5 s it was frozen: a full bucket, all 5 at once.
    assert.ok(granted <= 1, `${granted} of 5 went at once`);
    await Promise.all(calls);
    await close();
  });

  it("waiting requests are served in arrival order across processes", async () => {
    const { budgets, close } = twoProcesses(`order-${process.pid}`);
    const probe = await budgets[0].acquire(ask);
    probe.observe(LIMITED_HEADERS); // 2 per 200 ms... with nothing left: one every ~200 ms
    probe.settle();
    const order: string[] = [];
    const waits: Promise<void>[] = [];
    for (const name of ["a1", "b1", "a2", "b2"]) {
      const budget = budgets[name.startsWith("a") ? 0 : 1];
      waits.push(
        budget.acquire(ask).then((reservation) => {
          order.push(name);
          reservation.settle();
        }),
      );
      await sleep(10);
    }
    await Promise.all(waits);
    assert.deepStrictEqual(order, ["a1", "b1", "a2", "b2"]);
    await close();
  });

  it("a 429 in one process pauses the other's requests until the server's time", async () => {
    const { budgets, close } = twoProcesses(`pause-${process.pid}`);
    const first = await budgets[0].acquire(ask);
    first.observe({
      ...LIMITED_HEADERS,
      "x-ratelimit-limit-requests": "1000",
      "x-ratelimit-remaining-requests": "999",
    });
    first.limited(300);
    first.settle();
    await sleep(20);
    const { elapsedMs } = await timed(async () => (await budgets[1].acquire(ask)).settle());
    assert.ok(elapsedMs >= 240, `waited ${elapsedMs} ms`);
    await close();
  });

  it("keys name a hash of the API key, never the key, and every key expires", async () => {
    const key = `${freshKey()}-VISIBLE`;
    server.script(ROOMY);
    await redisCommand(redis.port, "FLUSHALL");
    const llm = new OpenAI({
      api_key: key,
      api_base: `${server.url}/v1`,
      chat_model: "gpt-4o-mini",
      redis_url: redis.url,
    });
    for (let index = 0; index < 3; index += 1) {
      assert.equal(
        (await llm.chat_completions([{ role: "user", content: "hi" }])).status,
        LLMResponseStatus.SUCCESS,
      );
    }
    await sleep(50);
    const keys = (await redisCommand(redis.port, "KEYS", "*"))
      .split("\r\n")
      .filter((line) => line.startsWith("director-llm:"));
    // The budget hash; the set of reservations waiting to send exists only while some wait.
    assert.ok(
      keys.some((name) => name.endsWith(":budget")),
      `keys: ${keys}`,
    );
    for (const name of keys) {
      assert.ok(!name.includes("VISIBLE") && !name.includes(TEST_KEY), name);
      const ttl = Number((await redisCommand(redis.port, "PTTL", name)).slice(1));
      assert.ok(ttl > 0 && ttl <= 600_000, `${name} PTTL ${ttl}`);
    }
    const dump = await redisCommand(redis.port, "HGETALL", keys.find((name) => name.endsWith(":budget"))!);
    assert.ok(!dump.includes("VISIBLE"));
    assert.match(dump, /\r\nrc\r\n\$3\r\n100\r\n/, "the limit learned from the headers is shared");
    await llm.close();
  });

  it("Redis restarted (empty script cache): the client rejoins the shared budget", async () => {
    server.script(ROOMY);
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(warning.code ?? "");
    process.on("warning", onWarning);
    const llm = new OpenAI({
      api_key: freshKey(),
      api_base: `${server.url}/v1`,
      chat_model: "gpt-4o-mini",
      redis_url: redis.url,
    });
    const call = async () => (await llm.chat_completions([{ role: "user", content: "hi" }])).status;
    assert.equal(await call(), LLMResponseStatus.SUCCESS);
    await redis.restart();
    const scriptKeys = async () =>
      (await redisCommand(redis.port, "KEYS", "director-llm:*"))
        .split("\r\n")
        .filter((line) => line.startsWith("director-llm:"));
    assert.deepStrictEqual(await scriptKeys(), [], "a restarted Redis holds nothing");
    // Calls go on during the outage; after the retry interval the client reconnects in the
    // background, EVALSHA meets NOSCRIPT, and the script is loaded again.
    for (let round = 0; round < 40 && (await scriptKeys()).length === 0; round += 1) {
      assert.equal(await call(), LLMResponseStatus.SUCCESS);
      await sleep(100);
    }
    assert.ok(
      (await scriptKeys()).some((name) => name.endsWith(":budget")),
      "the budget lives in Redis again",
    );
    assert.deepStrictEqual(warnings, ["DIRECTOR_LLM_REDIS_UNAVAILABLE"], "one warning for the outage");
    process.off("warning", onWarning);
    await llm.close();
  });
});
