import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RedisConnection } from "../../src/budgets/redis-connection.js";
import { RedisRateBudget } from "../../src/budgets/redis-rate-budget.js";
import { TEST_KEY } from "../helpers/client.js";
import { fleetServer, fleetTotals, runFleet } from "../helpers/fleet.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { redisCommand } from "../helpers/redis-server.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let keySerial = 0;
const freshKey = () => `${TEST_KEY}-cluster-${process.pid}-${++keySerial}`;

describe("the fleet budget on a real Redis Cluster (3 masters, 3 replicas)", () => {
  let cluster: RedisCluster;
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  before(async () => {
    cluster = await RedisCluster.start(3);
  });
  after(() => cluster.stop());

  it("one node's URL is enough: the client finds the cluster and follows MOVED to the key's master", async () => {
    // A budget whose keys hash to each master in turn: from any one node, every script call lands.
    for (const port of cluster.ports.slice(0, 3)) {
      const connection = new RedisConnection(`redis://127.0.0.1:${port}`);
      for (let index = 0; index < 6; index += 1) {
        const budget = new RedisRateBudget({
          connection,
          id: `moved-${port}-${index}`,
          fixed: { requests_per_minute: 600, tokens_per_minute: 0 },
          probeLeaseMs: 5000,
        });
        const warnings: string[] = [];
        const listen = (warning: Error) => warnings.push(warning.message);
        process.on("warning", listen);
        (await budget.acquire({ promptTokens: 1, maxTokens: 1 })).settle();
        process.off("warning", listen);
        assert.deepStrictEqual(warnings, [], "no fallback: the script ran on the cluster");
        assert.ok(
          (await cluster.masterHolding(`director-llm:{moved-${port}-${index}}:budget`)) !== undefined,
          "the budget is in the cluster",
        );
      }
      await connection.close();
    }
  });

  it("4 processes pace as one client through the cluster: 80 calls, at most 3 429s, no fallback", async () => {
    const stats = fleetServer(server);
    const results = await runFleet({
      processes: 4,
      base: `${server.url}/v1`,
      key: freshKey(),
      count: 80,
      concurrency: 16,
      redisUrl: cluster.urls,
      timeoutMs: 30_000,
    });
    const totals = fleetTotals(results);
    assert.deepStrictEqual(totals.failed, []);
    assert.equal(totals.ok, 80);
    assert.deepStrictEqual(totals.warnings, [], "the cluster answered the whole time");
    assert.ok(stats.limited <= 3, `${stats.limited} 429s`);
  });

  it("the master holding the budget killed mid-run: its replica takes over, nothing lost, no hang", async () => {
    const stats = fleetServer(server);
    let killed: number | undefined;
    let fault: Promise<void> | undefined;
    const results = await runFleet({
      processes: 4,
      base: `${server.url}/v1`,
      key: freshKey(),
      count: 120,
      concurrency: 16,
      // One configured node only, and the one that will die may be it: the client keeps the
      // nodes it learned and reconnects through the others.
      redisUrl: cluster.urls.split(",")[0]!,
      timeoutMs: 40_000,
      onSpawned: () => {
        fault = (async () => {
          await sleep(1500);
          killed = await cluster.masterHolding("director-llm:*:budget");
          if (killed !== undefined) await cluster.kill(killed);
        })();
      },
    });
    await fault;
    assert.ok(killed !== undefined, "a master held the budget");
    const totals = fleetTotals(results);
    assert.deepStrictEqual(totals.failed, []);
    assert.equal(totals.ok, 120);
    assert.equal(stats.ok, 120);
    assert.ok(totals.warnings.length <= 4, `one warning per process at most: ${totals.warnings}`);
    // The replica was promoted; the fleet's budget lives on it now.
    await cluster.waitUntilOk();
    const holder = await cluster.masterHolding("director-llm:*:budget");
    assert.ok(holder !== undefined && holder !== killed, `budget now on ${holder}, killed ${killed}`);
    assert.match(await redisCommand(holder, "ROLE"), /master/);
  });
});
