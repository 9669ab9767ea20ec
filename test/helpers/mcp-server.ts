// A real MCP server, written with the SDK's own server classes, for the MCP tests: over stdio
// when this file is run as a program, or over Streamable HTTP on loopback through `startHttpMcp`.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import * as z from "zod";

/** A 1x1 PNG. */
const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** The test server's tools: one that answers, fails, hangs, returns an image, structured content, and (stdio) crashes. */
export function buildServer(options: { crash?: boolean } = {}): McpServer {
  const server = new McpServer(
    { name: "test-mcp", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } },
  );
  server.registerTool(
    "echo",
    { description: "Echo the text", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text: `echo: ${text}` }] }),
  );
  server.registerTool("fail", { description: "Always fails" }, async () => ({
    content: [{ type: "text", text: "disk full" }],
    isError: true,
  }));
  server.registerTool(
    "hang",
    { description: "Never answers" },
    (extra) =>
      new Promise<{ content: Array<{ type: "text"; text: string }> }>((resolve) => {
        extra.signal.addEventListener("abort", () =>
          resolve({ content: [{ type: "text", text: "cancelled" }] }),
        );
      }),
  );
  server.registerTool("picture", { description: "A picture" }, async () => ({
    content: [{ type: "image", data: PIXEL, mimeType: "image/png" }],
  }));
  server.registerTool(
    "stats",
    { description: "Structured stats", outputSchema: { count: z.number(), label: z.string() } },
    async () => ({
      content: [{ type: "text", text: '{"count":3,"label":"clips"}' }],
      structuredContent: { count: 3, label: "clips" },
    }),
  );
  server.registerTool(
    "files.read/v2",
    { description: "A name providers refuse", inputSchema: { path: z.string() } },
    async ({ path }) => ({
      content: [{ type: "text", text: `read ${path}` }],
    }),
  );
  server.registerTool("add_tool", { description: "Adds a tool named late" }, async () => {
    server.registerTool("late", { description: "Added later" }, async () => ({
      content: [{ type: "text", text: "late" }],
    }));
    return { content: [{ type: "text", text: "added" }] };
  });
  if (options.crash)
    server.registerTool("crash", { description: "The server exits mid-call" }, async () => {
      setTimeout(() => process.exit(1), 10);
      return new Promise(() => {});
    });
  return server;
}

/** The Streamable HTTP server on 127.0.0.1 and a free port; `sessions` counts the open ones. */
export async function startHttpMcp(): Promise<{
  url: string;
  sessions: () => number;
  close: () => Promise<void>;
}> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http: Server = createServer(async (request, response) => {
    const id = request.headers["mcp-session-id"];
    let transport = typeof id === "string" ? transports.get(id) : undefined;
    if (transport === undefined) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (session) => {
          transports.set(session, transport!);
        },
      });
      transport.onclose = () => {
        if (transport!.sessionId !== undefined) transports.delete(transport!.sessionId);
      };
      await buildServer().connect(transport);
    }
    await transport.handleRequest(request, response);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessions: () => transports.size,
    close: async () => {
      await Promise.all([...transports.values()].map((transport) => transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

// Run as a program: the stdio server (with the crash tool).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildServer({ crash: true }).connect(new StdioServerTransport());
}
