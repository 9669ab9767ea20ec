import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { claudeFor, claudeMessage } from "../helpers/claude.js";
import { json } from "../helpers/handlers.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

describe("Claude: a message that refers to an uploaded file carries the Files API beta", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });
  const file = {
    type: "media",
    file: "file_011CNha8iCJcU1wXNR6q4V8w",
    media_type: "application/pdf",
  } as const;

  it("adds anthropic-beta: files-api-2025-04-14 when a block's source is a file, and only then", async () => {
    server.script(json(200, claudeMessage("Read.")));
    const claude = claudeFor(server);
    await claude.chat_completions([{ role: "user", content: [{ type: "text", text: "Summarize" }, file] }]);
    await claude.chat_completions([{ role: "user", content: "Hi" }]);
    assert.equal(server.requests[0]!.headers["anthropic-beta"], "files-api-2025-04-14");
    assert.deepStrictEqual(
      (server.requests[0]!.body as { messages: Array<{ content: unknown[] }> }).messages[0]!.content[1],
      { type: "document", source: { type: "file", file_id: file.file } },
    );
    assert.equal(server.requests[1]!.headers["anthropic-beta"], undefined);
  });

  it("keeps a beta the caller sends, and a file inside a tool result counts too", async () => {
    server.script(json(200, claudeMessage("Read.")));
    await claudeFor(server).chat_completions(
      [
        { role: "user", content: "Fetch the report" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "toolu_1", type: "function", function: { name: "fetch", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "toolu_1", content: [file] },
      ] as never,
      { extra_headers: { "anthropic-beta": "context-1m-2025-08-07" } },
    );
    assert.equal(server.requests[0]!.headers["anthropic-beta"], "context-1m-2025-08-07,files-api-2025-04-14");
  });
});
