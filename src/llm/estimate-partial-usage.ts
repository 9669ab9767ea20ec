import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage } from "../core/messages.js";
import type { PreparedRequest } from "./prepared-request.js";

/**
 * A stream that ended early (an abort, a `break`, a cut connection) before the server sent usage
 * still cost what arrived: fills the completion tokens from the text and tool calls received,
 * counted locally, and the prompt tokens when they were counted before sending, and says so in a
 * warning. Leaves a response that has usage untouched.
 */
export async function estimatePartialUsage(
  response: LLMResponse,
  prepared: PreparedRequest,
  countTokens: (messages: ChatMessage[], model: string) => number,
): Promise<void> {
  if (response.total_tokens > 0) return;
  const options = {
    promptTokens: prepared.counted_prompt_tokens ?? (await countBriefly(prepared)),
    countCompletion: (text: string) =>
      countTokens([{ role: "assistant", content: text }], prepared.model) -
      countTokens([{ role: "assistant", content: "" }], prepared.model),
  };
  const text =
    response.content +
    response.tool_calls
      .map((call) => `${call.tool.name}${call.tool.raw_arguments ?? JSON.stringify(call.tool.arguments)}`)
      .join("");
  if (text === "") return;
  response.recv_tokens = options.countCompletion(text);
  response.send_tokens = options.promptTokens ?? 0;
  response.total_tokens = response.send_tokens + response.recv_tokens;
  const prompt =
    options.promptTokens === undefined ? "the prompt was not counted" : `${response.send_tokens} prompt`;
  response.warnings.push(
    `usage estimated: the stream ended before the server sent usage; ${prompt} and ${response.recv_tokens} completion tokens counted locally`,
  );
}

/** The prompt's tokens if counting them takes at most `budgetMs` (an interrupted call must end promptly). */
export async function countBriefly(prepared: PreparedRequest, budgetMs = 250): Promise<number | undefined> {
  const giveUpAt = performance.now() + budgetMs;
  try {
    return await prepared.prompt_tokens(() => {
      if (performance.now() > giveUpAt) throw new Error("counting the prompt took too long");
    });
  } catch {
    return undefined;
  }
}
