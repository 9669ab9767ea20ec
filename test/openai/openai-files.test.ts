import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError, type LLMError, OpenAI } from "../../src/index.js";
import { buildOpenAIRequest } from "../../src/openai/build-openai-request.js";

const KEY = "sk-test-openai-files-0123456789";
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** OpenAI's /files on loopback: multipart uploads parsed by their boundary, get, list, delete; a 500 to inject. */
class FilesServer {
  readonly files = new Map<string, { filename: string; purpose: string; bytes: Buffer; type: string }>();
  readonly seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }> = [];
  failNextUpload = false;
  url = "";
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      this.seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Bearer ${KEY}`)
        return send(401, { error: { message: "no key" } });
      const body = Buffer.concat(chunks);
      if (request.method === "POST" && request.url === "/v1/files") {
        if (this.failNextUpload) {
          this.failNextUpload = false;
          return send(500, { error: { message: "The server had an error", type: "server_error" } });
        }
        assert.equal(Number(request.headers["content-length"]), body.length, "content-length is exact");
        const boundary = /boundary=(.+)$/.exec(String(request.headers["content-type"]))![1]!;
        const parts = new Map<
          string,
          { filename: string | undefined; type: string | undefined; data: Buffer }
        >();
        let at = body.indexOf(`--${boundary}`);
        while (at >= 0) {
          const next = body.indexOf(`\r\n--${boundary}`, at + 2);
          if (next < 0) break;
          const part = body.subarray(body.indexOf("\r\n", at) + 2, next);
          const split = part.indexOf("\r\n\r\n");
          const head = part.subarray(0, split).toString("utf8");
          const name = /name="([^"]+)"/.exec(head)![1]!;
          parts.set(name, {
            filename: /filename="([^"]+)"/.exec(head)?.[1],
            type: /Content-Type: (.+)/i.exec(head)?.[1],
            data: part.subarray(split + 4),
          });
          at = next + 2;
        }
        const file = parts.get("file")!;
        const id = `file-${this.files.size + 1}abc`;
        this.files.set(id, {
          filename: file.filename!,
          purpose: parts.get("purpose")!.data.toString(),
          bytes: Buffer.from(file.data),
          type: file.type!,
        });
        return send(200, this.#object(id));
      }
      const match = /^\/v1\/files\/([\w-]+)$/.exec(request.url ?? "");
      if (request.method === "GET" && request.url?.startsWith("/v1/files?"))
        return send(200, {
          object: "list",
          data: [...this.files.keys()].map((id) => this.#object(id)),
          has_more: false,
        });
      if (!match || !this.files.has(match[1]!))
        return send(404, { error: { message: "No such File object" } });
      if (request.method === "DELETE") {
        this.files.delete(match[1]!);
        return send(200, { id: match[1], object: "file", deleted: true });
      }
      return send(200, this.#object(match[1]!));
    });
  });

  #object(id: string) {
    const file = this.files.get(id)!;
    return {
      id,
      object: "file",
      bytes: file.bytes.length,
      created_at: 1765051200,
      expires_at: null,
      filename: file.filename,
      purpose: file.purpose,
      status: "processed",
    };
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

describe("OpenAI.files: the same interface on OpenAI's /files", () => {
  const server = new FilesServer();
  let directory: string;
  let openai: OpenAI;
  before(async () => {
    await server.start();
    directory = mkdtempSync(join(tmpdir(), "openai-files-"));
    openai = new OpenAI({
      api_key: KEY,
      api_base: `${server.url}/v1`,
      allow_insecure_http: true,
      retry: { initial_delay_ms: 5, max_delay_ms: 10 },
    });
  });
  after(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("uploads a PDF from its path as multipart (purpose user_data), and its part goes out as a file id", async () => {
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(3 * 1024 * 1024)]);
    const path = join(directory, "report.pdf");
    writeFileSync(path, pdf);
    server.failNextUpload = true; // the first attempt meets a 500: the file is read and sent again
    const file = await openai.files.upload(path);
    assert.equal(file.state, "ACTIVE");
    assert.equal(file.media_type, "application/pdf");
    assert.equal(file.display_name, "report.pdf");
    assert.equal(file.size_bytes, pdf.length);
    const stored = server.files.get(file.id)!;
    assert.equal(sha(stored.bytes), sha(pdf), "the server holds exactly the file's bytes");
    assert.equal(stored.purpose, "user_data");
    assert.equal(stored.type, "application/pdf");
    assert.equal(server.seen.filter((seen) => seen.method === "POST").length, 2, "one retry after the 500");
    assert.deepStrictEqual(file.part, { type: "media", file: file.id, media_type: "application/pdf" });
    const request = buildOpenAIRequest({
      messages: [{ role: "user", content: [{ type: "text", text: "Summarize" }, file.part] }],
      call: {},
      defaults: { chat_model: "gpt-4o", max_tokens: 100, temperature: 0.9, top_p: 1 },
    });
    assert.deepStrictEqual((request.messages[0]!.content as unknown[])[1], {
      type: "file",
      file: { file_id: file.id },
    });
  });

  it("get, list and delete", async () => {
    const file = await openai.files.upload(Buffer.from("%PDF-1.4 tiny"), { display_name: "tiny.pdf" });
    assert.equal((await openai.files.get(file.id)).display_name, "tiny.pdf");
    assert.ok((await openai.files.list({ limit: 10 })).files.some((listed) => listed.id === file.id));
    await openai.files.delete(file.id);
    await assert.rejects(openai.files.get(file.id), (error: LLMError) => error.status_code === 404);
  });

  it("bad input is a typed error before anything is sent", async () => {
    const before = server.seen.length;
    await assert.rejects(openai.files.upload(Buffer.from("no magic here")), InvalidArgumentError);
    await assert.rejects(
      openai.files.upload(Buffer.from("%PDF-1.4"), { media_type: "image/png" }),
      /says image\/png/,
    );
    await assert.rejects(openai.files.get("../etc/passwd"), InvalidArgumentError);
    assert.equal(server.seen.length, before);
  });
});
