import type { ChatMessage } from "./messages.js";
import { InvalidArgumentError } from "./usage-errors.js";

/**
 * The checks every provider makes of a conversation it sends (not of one it only counts), so one history behaves the same
 * everywhere: it needs a message the model answers (not only system or developer messages: Claude
 * and Gemini refuse that, and OpenAI would answer an empty turn), and an assistant turn needs text
 * or tool calls (an empty one goes out as `""` on one provider and is refused by the others).
 */
export function requireConversation(messages: readonly ChatMessage[]): void {
  let answerable = false;
  for (const [index, message] of messages.entries()) {
    const role = message?.role;
    if (role === "user" || role === "assistant" || role === "tool") answerable = true;
    if (role !== "assistant") continue;
    const content = message.content;
    const empty =
      content === undefined ||
      content === null ||
      content === "" ||
      (Array.isArray(content) && content.length === 0);
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls.length : 0;
    if (empty && calls === 0)
      throw new InvalidArgumentError(
        `messages[${index}].content`,
        "an assistant turn needs text or tool calls",
      );
  }
  if (!answerable && messages.length > 0)
    throw new InvalidArgumentError(
      "messages",
      "needs a user message: a conversation of only system or developer messages gives the model nothing to answer",
    );
}
