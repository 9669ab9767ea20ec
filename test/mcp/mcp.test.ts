import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect_mcp, LLMResponseStatus, type McpServerConnection, type McpTool } from "../../src/index.js";
import { mcpToolName } from "../../src/mcp/mcp-tool-name.js";
import { claudeFor, claudeMessage } from "../helpers/claude.js";
import { clientFor } from "../helpers/client.js";
import { geminiFor } from "../helpers/gemini.js";
import { completion, json } from "../helpers/handlers.js";
import { startHttpMcp } from "../helpers/mcp-server.js";
import { TestServer } from "../helpers/test-server.js";

const SERVER_SCRIPT = fileURLToPath(new URL("../helpers/mcp-server.js", import.meta.url));
/** The test MCP server as a stdio child process. */
const connectStdio = () =>
  connect_mcp({ command: process.execPath, args: [SERVER_SCRIPT], env: { PATH: process.env["PATH"] ?? "" } });
const ask = [{ role: "user" as const, content: "use the tools" }];

/** A chat.completion whose assistant calls the given tools: [id, name, arguments] each. */
function openaiCalling(...calls: Array<[string, string, Record<string, unknown>]>) {
  const answer = completion(null);
  const choice = (answer["choices"] as Array<Record<string, unknown>>)[0]!;
  choice["message"] = {
    role: "assistant",
    content: null,
    tool_calls: calls.map(([id, name, args]) => ({
      id,
      type: "function",
      function: { name, arguments: JSON.stringify(args) },
    })),
  };
  choice["finish_reason"] = "tool_calls";
  return json(200, answer);
}
/** The tool results an OpenAI-shaped request carried, by call id. */
function toolResults(server: TestServer, index: number): Record<string, string> {
  const messages = (
    server.requests[index]!.body as {
      messages: Array<{ role: string; tool_call_id?: string; content: string }>;
    }
  ).messages;
  return Object.fromEntries(
    messages
      .filter((message) => message.role === "tool")
      .map((message) => [message.tool_call_id!, message.content]),
  );
}
const byName = (tools: McpTool[], name: string) => tools.find((tool) => tool.name === name)!;

describe("MCP tools over stdio: a real server in a child process", () => {
  let mcp: McpServerConnection;
  let llm: TestServer;
  before(async () => {
    llm = await TestServer.start();
    mcp = await connectStdio();
  });
  after(async () => {
    await mcp.close();
    await llm.close();
  });

  it("lists the server's tools with their schemas; names providers refuse are made safe and mapped back", async () => {
    const tools = await mcp.tools();
    assert.equal(mcp.name, "test-mcp");
    assert.deepStrictEqual(tools.map((tool) => tool.name).sort(), [
      "add_tool",
      "crash",
      "echo",
      "fail",
      "files_read_v2",
      "hang",
      "picture",
      "stats",
    ]);
    const echo = byName(tools, "echo");
    assert.equal(echo.description, "Echo the text");
    assert.deepStrictEqual((echo.parameters as { properties: unknown }).properties, {
      text: { type: "string" },
    });
    assert.equal(byName(tools, "files_read_v2").mcp.name, "files.read/v2");
  });

  it("run_tools on an OpenAI-shaped model runs them: text, structured content, an image described, isError as a failed result", async () => {
    llm.script(
      openaiCalling(
        ["c1", "echo", { text: "hi" }],
        ["c2", "stats", {}],
        ["c3", "picture", {}],
        ["c4", "fail", {}],
        ["c5", "files_read_v2", { path: "/tmp/a" }],
      ),
      json(200, completion("done")),
    );
    const run = await clientFor(llm).run_tools(ask, { tools: await mcp.tools() });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(toolResults(llm, 1), {
      c1: "echo: hi",
      c2: '{"count":3,"label":"clips"}',
      c3: "[image: image/png, 70 bytes]",
      c4: "Error: disk full",
      c5: "read /tmp/a",
    });
  });

  it("arguments are validated against the tool's inputSchema before the call", async () => {
    llm.script(openaiCalling(["c1", "echo", { text: 42 }]), json(200, completion("done")));
    const run = await clientFor(llm).run_tools(ask, { tools: await mcp.tools({ allow: ["echo"] }) });
    assert.match(toolResults(llm, 1)["c1"]!, /^Error: invalid arguments, nothing was run: /);
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
  });

  it("a filter keeps only what the agent should get; approve gates a tool like any other", async () => {
    assert.deepStrictEqual(
      (await mcp.tools({ deny: ["crash", "hang", "add_tool"] })).map((tool) => tool.name).sort(),
      ["echo", "fail", "files_read_v2", "picture", "stats"],
    );
    assert.deepStrictEqual(
      (await mcp.tools((name) => name.startsWith("e"))).map((tool) => tool.name),
      ["echo"],
    );
    llm.script(openaiCalling(["c1", "echo", { text: "x" }]), json(200, completion("done")));
    await clientFor(llm).run_tools(ask, {
      tools: await mcp.tools(),
      approve: (call) => (call.tool.name === "echo" ? "not allowed" : true),
    });
    assert.equal(toolResults(llm, 1)["c1"], "Error: the call was refused: not allowed");
  });

  it("a hanging tool is stopped by its timeout, and the server is told to cancel", async () => {
    llm.script(openaiCalling(["c1", "hang", {}]), json(200, completion("done")));
    const run = await clientFor(llm).run_tools(ask, {
      tools: await mcp.tools({ allow: ["hang"] }),
      tool_timeout: 0.3,
    });
    assert.equal(toolResults(llm, 1)["c1"], "Error: timed out after 0.3 s");
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
  });

  it("a tools/list_changed notification refreshes the list", async () => {
    assert.equal(
      (await mcp.tools()).some((tool) => tool.name === "late"),
      false,
    );
    llm.script(openaiCalling(["c1", "add_tool", {}]), json(200, completion("done")));
    await clientFor(llm).run_tools(ask, { tools: await mcp.tools({ allow: ["add_tool"] }) });
    let found = false;
    for (let tries = 0; tries < 50 && !found; tries += 1) {
      found = (await mcp.tools()).some((tool) => tool.name === "late");
      if (!found) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(found, "the new tool is listed");
  });

  it("the connection is reused across runs, on Claude too (its results with is_error)", async () => {
    llm.script(
      json(
        200,
        claudeMessage([
          { type: "tool_use", id: "toolu_1", name: "echo", input: { text: "claude" } },
          { type: "tool_use", id: "toolu_2", name: "fail", input: {} },
        ]),
      ),
      json(200, claudeMessage("ok")),
    );
    const run = await claudeFor(llm).run_tools(ask, { tools: await mcp.tools() });
    assert.equal(run.content, "ok");
    const blocks = (llm.requests[1]!.body as { messages: Array<{ content: unknown }> }).messages.at(-1)!
      .content as Array<Record<string, unknown>>;
    assert.deepStrictEqual(
      blocks.map((block) => [block["tool_use_id"], block["content"], block["is_error"]]),
      [
        ["toolu_1", "echo: claude", undefined],
        ["toolu_2", "Error: disk full", true],
      ],
    );
  });

  it("images go to Claude as image blocks in the tool result, and to Gemini as inline parts after the functionResponse", async () => {
    llm.script(
      json(200, claudeMessage([{ type: "tool_use", id: "toolu_p", name: "picture", input: {} }])),
      json(200, claudeMessage("a pixel")),
    );
    await claudeFor(llm).run_tools(ask, { tools: await mcp.tools({ allow: ["picture"] }) });
    const result = (
      llm.requests[1]!.body as { messages: Array<{ content: Array<Record<string, unknown>> }> }
    ).messages.at(-1)!.content[0]!;
    const blocks = result["content"] as Array<Record<string, unknown>>;
    assert.deepStrictEqual(blocks[0]!["type"], "image");
    assert.deepStrictEqual((blocks[0]!["source"] as Record<string, unknown>)["media_type"], "image/png");

    const gemini = await TestServer.start();
    try {
      const answer = (parts: unknown[]) =>
        json(200, {
          candidates: [{ content: { role: "model", parts }, finishReason: "STOP" }],
          usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
        });
      gemini.script(answer([{ functionCall: { name: "picture", args: {} } }]), answer([{ text: "a pixel" }]));
      await geminiFor(gemini).run_tools(ask, { tools: await mcp.tools({ allow: ["picture"] }) });
      const turn = (
        gemini.requests[1]!.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> }
      ).contents.at(-1)!;
      assert.ok(turn.parts[0]!["functionResponse"] !== undefined);
      assert.equal((turn.parts[1]!["inlineData"] as { mimeType: string }).mimeType, "image/png");
    } finally {
      await gemini.close();
    }
  });

  it("tools given as a function are listed again between steps: a tool added mid-run is usable in the next step", async () => {
    const fresh = await connectStdio();
    try {
      llm.script(
        openaiCalling(["c1", "add_tool", {}]),
        openaiCalling(["c2", "late", {}]),
        json(200, completion("done")),
      );
      const run = await clientFor(llm).run_tools(ask, {
        tools: async () => {
          // The notification may arrive a moment after the call that caused it.
          for (let tries = 0; tries < 25; tries += 1) {
            const tools = await fresh.tools();
            if (tools.some((tool) => tool.name === "late") || llm.requests.length === 0) return tools;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return fresh.tools();
        },
      });
      assert.equal(run.status, LLMResponseStatus.SUCCESS);
      assert.deepStrictEqual(toolResults(llm, 2), { c1: "added", c2: "late" });
      const offered = (llm.requests[1]!.body as { tools: Array<{ function: { name: string } }> }).tools.map(
        (tool) => tool.function.name,
      );
      assert.ok(offered.includes("late"), "the second model call was offered the new tool");
    } finally {
      await fresh.close();
    }
  });

  it("a server that exits mid-call gives a failed tool result, then a clear error on the next call, never a hang", async () => {
    const doomed = await connectStdio();
    llm.script(openaiCalling(["c1", "crash", {}]), json(200, completion("done")));
    const tools = await doomed.tools({ allow: ["crash", "echo"] });
    const run = await clientFor(llm).run_tools(ask, { tools, tool_timeout: 10 });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.match(toolResults(llm, 1)["c1"]!, /^Error: the MCP server "test-mcp" went away during the call/);
    await assert.rejects(doomed.tools(), /the MCP server "test-mcp" is not connected/);
    await assert.rejects(
      Promise.resolve(
        byName(tools, "echo").execute(
          { text: "x" },
          { signal: new AbortController().signal, tool_call_id: "x", messages: [] },
        ),
      ),
      /is not connected/,
    );
    await doomed.close();
  });
});

describe("MCP tools over Streamable HTTP on loopback", () => {
  it("connects with headers, lists and calls tools (prefixed by server), and close() deletes the session", async () => {
    const http = await startHttpMcp();
    const llm = await TestServer.start();
    try {
      const mcp = await connect_mcp({
        url: http.url,
        headers: { authorization: "Bearer t" },
        prefix: true,
        name: "videodb",
      });
      const tools = await mcp.tools({ allow: ["echo", "files.read/v2"] });
      assert.deepStrictEqual(
        tools.map((tool) => tool.name),
        ["videodb_echo", "videodb_files_read_v2"],
      );
      assert.equal(http.sessions(), 1);
      llm.script(openaiCalling(["c1", "videodb_echo", { text: "over http" }]), json(200, completion("done")));
      await clientFor(llm).run_tools(ask, { tools });
      assert.equal(toolResults(llm, 1)["c1"], "echo: over http");
      await mcp.close();
      for (let tries = 0; tries < 50 && http.sessions() > 0; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(http.sessions(), 0, "the HTTP session was deleted");
    } finally {
      await llm.close();
      await http.close();
    }
  });

  it("names: colliding and over-long names stay unique and safe", () => {
    const used = new Set<string>(["a_b"]);
    assert.equal(mcpToolName("a.b", undefined, used), "a_b_2");
    const long = mcpToolName("x".repeat(80), "server", new Set());
    assert.equal(long.length, 64);
    assert.match(long, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.notEqual(long, mcpToolName(`${"x".repeat(79)}y`, "server", new Set()));
  });
});
