import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../../src/index.js";
import { connectionsFor, loadUndici } from "../../src/transport/http-agent.js";
import { clientFor, HELLO } from "../helpers/client.js";
import { completion } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

describe("connections: an origin's keep-alive connections are reused", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("calls sent as soon as earlier ones answer reuse their connections: never more than in flight", async () => {
    const ports = new Set<number>();
    server.script((_request, response, incoming) => {
      ports.add(incoming.socket.remotePort ?? -1);
      const body = JSON.stringify(completion("hi"));
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
    });
    const llm = clientFor(server, { max_retries: 0 });
    const width = 8;
    // 8 lanes, each sending its next call the moment the previous one answered (5 rounds each).
    const lanes = Array.from({ length: width }, async () => {
      const statuses: unknown[] = [];
      for (let round = 0; round < 5; round += 1) statuses.push((await llm.chat_completions(HELLO)).status);
      return statuses;
    });
    const statuses = (await Promise.all(lanes)).flat();
    assert.deepEqual(statuses, Array(40).fill(LLMResponseStatus.SUCCESS));
    assert.equal(server.requests.length, 40);
    assert.ok(ports.size <= width, `${ports.size} connections for ${width} calls in flight`);
  });

  it("free connections whose sockets closed are dropped: after a burst the pool shrinks back", async () => {
    server.script((_request, response) => {
      const body = JSON.stringify(completion("hi"));
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      // Answer a little later, so the 6 calls are in flight together and need 6 connections.
      setTimeout(() => response.end(body), 30);
    });
    const llm = clientFor(server, { max_retries: 0 });
    const connections = connectionsFor(await loadUndici(), new URL(server.url).origin);
    /** Closes the server's sockets (as a server does past its keep-alive) and waits (at most 2 s) for the free ones to go. */
    const closeAll = async () => {
      server.destroyConnections();
      for (let waited = 0; connections.idle > 0 && waited < 2000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await closeAll(); // what earlier tests on this origin left
    assert.equal(connections.idle, 0);
    const burst = await Promise.all(Array.from({ length: 6 }, () => llm.chat_completions(HELLO)));
    assert.deepEqual(
      burst.map((response) => response.status),
      Array(6).fill(LLMResponseStatus.SUCCESS),
    );
    assert.equal(connections.idle, 6);
    assert.equal(server.openConnections, 6);
    await closeAll();
    assert.equal(connections.idle, 0);
    // And the origin still works: a new connection, kept free afterwards.
    assert.equal((await llm.chat_completions(HELLO)).status, LLMResponseStatus.SUCCESS);
    assert.equal(connections.idle, 1);
  });
});
