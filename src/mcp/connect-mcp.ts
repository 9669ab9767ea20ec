import { isRecord } from "../core/is-record.js";
import type { ContentPart } from "../core/messages.js";
import { tool_result_parts } from "../core/tool-result-parts.js";
import { ConfigError } from "../core/usage-errors.js";
import type { RunnableTool } from "../tools/runnable-tool.js";
import { mcpToolName } from "./mcp-tool-name.js";

/** How to reach an MCP server: a command run as a child process (stdio), or a Streamable HTTP URL. */
export type McpConnectOptions = (
  | {
      /** The program to start (stdio transport): `node`, `npx`, `uvx`, ... */
      command: string;
      args?: string[];
      /** The child's whole environment: passed explicitly, nothing of this process's leaks in. */
      env?: Record<string, string>;
      cwd?: string;
      url?: undefined;
    }
  | {
      /** The server's Streamable HTTP endpoint (`http://127.0.0.1:3000/mcp`). */
      url: string;
      /** Headers of every request (an `authorization` token, ...). */
      headers?: Record<string, string>;
      command?: undefined;
    }
) & {
  /** The server's name in tool names (with `prefix`) and telemetry; default: the name it reports. */
  name?: string;
  /** Prefix every tool name with the server's name (`github_create_issue`), so two servers' tools never collide. */
  prefix?: boolean;
  /** Seconds one tool call may take. @default the run's `tool_timeout` */
  timeout?: number;
};

/** Which of a server's tools an agent gets: names to allow (only these) or to deny, or a test of the name. */
export type McpToolFilter =
  | { allow?: readonly string[]; deny?: readonly string[] }
  | ((name: string) => boolean);

/** A tool of an MCP server, as `run_tools` takes it; `mcp` says which server and the tool's own name there (`name` may be prefixed or made safe). */
export interface McpTool extends RunnableTool {
  mcp: { server: string; name: string };
}

/** What the SDK's `Client` is used for here (loaded at run time: an optional peer). */
interface SdkClient {
  connect(transport: unknown): Promise<void>;
  listTools(params?: unknown, options?: unknown): Promise<{ tools: SdkTool[]; nextCursor?: string }>;
  callTool(
    params: { name: string; arguments?: unknown },
    schema?: unknown,
    options?: unknown,
  ): Promise<unknown>;
  getServerVersion(): { name?: string } | undefined;
  close(): Promise<void>;
  onclose?: (() => void) | undefined;
}
interface SdkTool {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
}

type Sdk = {
  Client: new (info: { name: string; version: string }, options: unknown) => SdkClient;
  StdioClientTransport: new (params: unknown) => unknown;
  StreamableHTTPClientTransport: new (url: URL, options?: unknown) => { terminateSession(): Promise<void> };
};

async function loadSdk(): Promise<Sdk> {
  try {
    const [client, stdio, http] = await Promise.all([
      import("@modelcontextprotocol/sdk/client/index.js"),
      import("@modelcontextprotocol/sdk/client/stdio.js"),
      import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
    ]);
    return {
      Client: client.Client as unknown as Sdk["Client"],
      StdioClientTransport: stdio.StdioClientTransport as unknown as Sdk["StdioClientTransport"],
      StreamableHTTPClientTransport:
        http.StreamableHTTPClientTransport as unknown as Sdk["StreamableHTTPClientTransport"],
    };
  } catch (error) {
    throw new ConfigError({
      option: "connect_mcp",
      problem: `needs the optional peer @modelcontextprotocol/sdk (${(error as Error).message.split("\n")[0]})`,
      advice: "npm install @modelcontextprotocol/sdk",
    });
  }
}

/**
 * One MCP server, connected once and reused across runs. `tools()` lists its tools as tools that
 * `run_tools` and `stream_run_tools` take as they are; `close()` ends the connection (the child
 * process is reaped, the HTTP session deleted). A server that goes away fails the call in flight as
 * a failed tool result, and every later call with a clear error, never a hang.
 */
export class McpServerConnection {
  readonly #client: SdkClient;
  readonly #http: { terminateSession(): Promise<void> } | undefined;
  readonly #options: McpConnectOptions;
  /** The server's name, as given or as it reports it. */
  readonly name: string;
  #closed: string | undefined;
  #list: SdkTool[] | undefined;

  /** @internal Use {@link connect_mcp}. */
  constructor(
    client: SdkClient,
    http: { terminateSession(): Promise<void> } | undefined,
    options: McpConnectOptions,
  ) {
    this.#client = client;
    this.#http = http;
    this.#options = options;
    this.name = options.name ?? client.getServerVersion()?.name ?? "mcp";
    client.onclose = () => {
      this.#closed ??= "the connection closed";
    };
  }

  /** @internal Told by the SDK when the server's tool list changed: the next `tools()` lists again. */
  listChanged(): void {
    this.#list = undefined;
  }

  /**
   * The server's tools (all pages), filtered, as `run_tools` tools. Names are made safe for every
   * provider (`^[a-zA-Z0-9_-]{1,64}$`), prefixed with the server's name when `prefix` is set, and
   * mapped back to the server's own name on each call. The list is fetched again after the server
   * says it changed (`notifications/tools/list_changed`).
   */
  async tools(filter?: McpToolFilter): Promise<McpTool[]> {
    this.#check();
    if (this.#list === undefined) {
      const all: SdkTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const listed = await this.#client.listTools(cursor === undefined ? undefined : { cursor });
        all.push(...listed.tools);
        cursor = listed.nextCursor;
        if (cursor === undefined) break;
      }
      this.#list = all;
    }
    const keep = (name: string) =>
      typeof filter === "function"
        ? filter(name)
        : (filter?.allow === undefined || filter.allow.includes(name)) &&
          !(filter?.deny ?? []).includes(name);
    const used = new Set<string>();
    return this.#list
      .filter((tool) => keep(tool.name))
      .map((tool) => {
        const name = mcpToolName(tool.name, this.#options.prefix ? this.name : undefined, used);
        used.add(name);
        return this.#tool(tool, name);
      });
  }

  /** Ends the connection: the child process is stopped and reaped, or the HTTP session deleted. */
  async close(): Promise<void> {
    if (this.#closed === "closed by close()") return;
    this.#closed = "closed by close()";
    if (this.#http !== undefined) await this.#http.terminateSession().catch(() => {});
    await this.#client.close().catch(() => {});
  }

  #check(): void {
    if (this.#closed !== undefined)
      throw new Error(
        `the MCP server ${JSON.stringify(this.name)} is not connected (${this.#closed}); connect again`,
      );
  }

  #tool(tool: SdkTool, name: string): McpTool {
    const schema = isRecord(tool.inputSchema) ? tool.inputSchema : { type: "object", properties: {} };
    const result: McpTool = {
      name,
      mcp: { server: this.name, name: tool.name },
      parameters: schema,
      execute: async (args, context) => {
        this.#check();
        const timeoutMs = (this.#options.timeout ?? 3600) * 1000;
        let answer: unknown;
        try {
          answer = await this.#client.callTool({ name: tool.name, arguments: args }, undefined, {
            signal: context.signal,
            timeout: timeoutMs,
          });
        } catch (error) {
          if (this.#closed !== undefined)
            throw new Error(
              `the MCP server ${JSON.stringify(this.name)} went away during the call (${this.#closed})`,
            );
          throw error;
        }
        return mcpResult(answer);
      },
    };
    if (tool.description !== undefined) result.description = tool.description;
    if (this.#options.timeout !== undefined) result.timeout = this.#options.timeout;
    return result;
  }
}

/**
 * A `tools/call` result as the tool's result: its text content joined; `structuredContent` as JSON;
 * images and audio as media parts (`tool_result_parts`: sent as media to Claude and Gemini,
 * described in text elsewhere); other content as its JSON. A result
 * with `isError: true` is thrown, so the model sees a failed tool result and the run goes on.
 */
export function mcpResult(answer: unknown): unknown {
  const record = isRecord(answer) ? answer : {};
  const content = Array.isArray(record["content"]) ? record["content"] : [];
  const pieces = content.map((item: unknown) => {
    if (!isRecord(item)) return "";
    if (item["type"] === "text" && typeof item["text"] === "string") return item["text"];
    if (item["type"] === "image" || item["type"] === "audio") {
      const bytes = typeof item["data"] === "string" ? Buffer.byteLength(item["data"], "base64") : 0;
      return `[${item["type"]}: ${String(item["mimeType"] ?? "unknown type")}, ${bytes} bytes]`;
    }
    if (item["type"] === "resource_link" || item["type"] === "resource") return JSON.stringify(item);
    return JSON.stringify(item);
  });
  const text = pieces.filter((piece) => piece !== "").join("\n");
  if (record["isError"] === true) throw new Error(text === "" ? "the tool reported an error" : text);
  if (record["structuredContent"] !== undefined && isRecord(record["structuredContent"]))
    return record["structuredContent"];
  // Images and audio go back as media parts (Claude and Gemini take them; elsewhere they are described).
  const hasMedia = content.some(
    (item: unknown) =>
      isRecord(item) &&
      (item["type"] === "image" || item["type"] === "audio") &&
      typeof item["data"] === "string",
  );
  if (!hasMedia) return text;
  return tool_result_parts(
    content.flatMap((item: unknown): ContentPart[] => {
      if (!isRecord(item)) return [];
      if ((item["type"] === "image" || item["type"] === "audio") && typeof item["data"] === "string")
        return [
          {
            type: "media",
            data: item["data"],
            media_type: String(item["mimeType"] ?? "application/octet-stream"),
          },
        ];
      if (item["type"] === "text" && typeof item["text"] === "string")
        return [{ type: "text", text: item["text"] }];
      return [{ type: "text", text: JSON.stringify(item) }];
    }),
  );
}

/**
 * Connects to an MCP server on the official `@modelcontextprotocol/sdk` client (an optional peer,
 * loaded only here): `{ command, args, env }` starts it as a child process (stdio), with only the
 * environment given; `{ url, headers }` speaks Streamable HTTP. Resolves once the server answered
 * its initialization; `await server.tools()` then gives its tools for `run_tools`.
 */
export async function connect_mcp(options: McpConnectOptions): Promise<McpServerConnection> {
  if (!isRecord(options) || (typeof options.command !== "string") === (typeof options.url !== "string"))
    throw new ConfigError({
      option: "connect_mcp",
      problem: "needs exactly one of command (stdio) or url (Streamable HTTP)",
    });
  const sdk = await loadSdk();
  let connection: McpServerConnection | undefined;
  const client = new sdk.Client(
    { name: "director-llm", version: "0.1.0" },
    { listChanged: { tools: { autoRefresh: false, onChanged: () => connection?.listChanged() } } },
  );
  let http: { terminateSession(): Promise<void> } | undefined;
  let transport: unknown;
  if (typeof options.command === "string") {
    transport = new sdk.StdioClientTransport({
      command: options.command,
      args: options.args ?? [],
      env: options.env ?? {},
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stderr: "ignore",
    });
  } else {
    const url = new URL(options.url!);
    const made = new sdk.StreamableHTTPClientTransport(url, {
      requestInit: { headers: options.headers ?? {} },
    });
    http = made;
    transport = made;
  }
  await client.connect(transport);
  connection = new McpServerConnection(client, http, options);
  return connection;
}
