import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BaseLLM,
  BaseLLMConfig,
  type ChatCompletionOptions,
  type ChatMessage,
  LLMError,
  LLMResponse,
  LLMResponseStatus,
  type OpenStream,
  type PreparedRequest,
  type SendContext,
} from "../../src/index.js";

/**
 * A provider with no HTTP at all: it answers by echoing the last message, failing first as
 * scripted. It implements only BaseLLM's abstract members; everything else is shared.
 */
class EchoLLM extends BaseLLM {
  failures: LLMError[] = [];
  sent = 0;

  constructor() {
    super(
      new BaseLLMConfig(
        {
          llm_type: "echo",
          api_key: "none",
          api_base: "http://127.0.0.1:1",
          chat_model: "echo-1",
          retry: { initial_delay_ms: 1 },
        },
        { env: {} },
      ),
    );
  }

  override count_tokens(messages: readonly ChatMessage[]): number {
    return messages.length;
  }

  protected override costOf(response: LLMResponse): number | undefined {
    return response.total_tokens / 1000;
  }

  protected override prepareRequest(
    messages: readonly ChatMessage[],
    options: ChatCompletionOptions,
  ): PreparedRequest {
    const last = messages.at(-1);
    return {
      model: options.model ?? this.config.chat_model,
      payload: String(last?.content ?? ""),
      max_tokens: 10,
      prompt_tokens: () => messages.length,
      warnings: [],
    };
  }

  protected override async sendRequest(
    prepared: PreparedRequest,
    context: SendContext,
  ): Promise<LLMResponse> {
    context.onSent();
    this.sent += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return new LLMResponse({
      status: LLMResponseStatus.SUCCESS,
      content: `echo: ${prepared.payload}`,
      send_tokens: 1,
      recv_tokens: 2,
      total_tokens: 3,
      model: prepared.model,
    });
  }

  protected override async openStream(prepared: PreparedRequest, context: SendContext): Promise<OpenStream> {
    context.onSent();
    const text = `echo: ${prepared.payload}`;
    return {
      events: (async function* () {
        yield [...text.split(" ")];
      })(),
      assembler: {
        push: (event, emit) => emit({ type: "text-delta", text: String(event) }),
        finish: () =>
          new LLMResponse({ status: LLMResponseStatus.SUCCESS, content: text, finish_reason: "stop" }),
        partial: (error) => new LLMResponse({ status: LLMResponseStatus.ERROR, error }),
      },
    };
  }
}

describe("a second provider needs only BaseLLM's abstract members", () => {
  it("gets retries, typed errors, cost and usage from BaseLLM", async () => {
    const llm = new EchoLLM();
    llm.failures.push(new LLMError({ kind: "server_error", message: "once", retryable: true }));
    const response = await llm.chat_completions([{ role: "user", content: "hi" }]);
    assert.equal(response.content, "echo: hi");
    assert.equal(response.attempts, 2);
    assert.equal(response.cost, 0.003);
    llm.failures.push(new LLMError({ kind: "authentication", message: "no" }));
    const failed = await llm.chat_completions([{ role: "user", content: "hi" }]);
    assert.deepStrictEqual(
      [failed.status, failed.error?.kind, failed.error?.attempts],
      [LLMResponseStatus.ERROR, "authentication", 1],
    );
    assert.deepStrictEqual(llm.usage, {
      calls: 2,
      requests: 3,
      send_tokens: 1,
      recv_tokens: 2,
      total_tokens: 3,
      cost: 0.003,
      calls_without_cost: 0,
    });
  });

  it("gets the streaming contract from BaseLLM", async () => {
    const stream = new EchoLLM().stream_chat_completions([{ role: "user", content: "hello there" }]);
    const parts = [];
    for await (const part of stream) parts.push(part);
    assert.deepStrictEqual(parts, [
      { type: "text-delta", text: "echo:" },
      { type: "text-delta", text: "hello" },
      { type: "text-delta", text: "there" },
      { type: "finish", finish_reason: "stop", send_tokens: 0, recv_tokens: 0, total_tokens: 0 },
    ]);
    assert.equal((await stream.response).content, "echo: hello there");
  });
});
