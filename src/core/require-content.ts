import type { ChatMessage } from "./messages.js";
import { InvalidArgumentError } from "./usage-errors.js";

/**
 * A system, developer or user message must carry a `content` key. Left out (often a typo such as
 * `contents`), the message would go out empty on one provider and be refused by another; it is
 * refused on every provider instead, naming the argument. An explicit `null`, `""` or `[]` keeps
 * its documented meaning (empty content).
 */
export function requireContent(message: ChatMessage, index: number): void {
  if (message.content !== undefined) return;
  throw new InvalidArgumentError(
    `messages[${index}].content`,
    `is required: a ${message.role} message needs content (text or content parts)`,
  );
}
