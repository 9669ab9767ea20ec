import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LLMResponseStatus } from "../src/index.js";
import { clientFor, HELLO } from "./helpers/client.js";
import { completion } from "./helpers/handlers.js";
import { type TestServer, useTestServer } from "./helpers/test-server.js";

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
});
