import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import { resolveMediaPart } from "../core/media-part.js";
import { describeMedia } from "../core/tool-result-parts.js";
import type { ChatMessage, DirectorToolCallInput, OpenAIToolCallInput } from "../core/messages.js";
import { requireContent } from "../core/require-content.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { toolArgumentsObject } from "../llm/read-tool-definition.js";
import type { AnthropicBlock, AnthropicMessage, AnthropicTextBlock } from "./anthropic-messages-api.js";

/** An image part's URL as an Anthropic image source: `data:` URLs as base64, others by URL. */
function imageBlock(url: unknown, path: string): AnthropicBlock {
  if (typeof url !== "string" || url === "")
    throw new InvalidArgumentError(path, "an image part needs a url");
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: "image", source: { type: "base64", media_type: data[1]!, data: data[2]! } };
  if (url.startsWith("data:"))
    throw new InvalidArgumentError(path, "a data: URL must be base64 (data:<type>;base64,...)");
  return { type: "image", source: { type: "url", url } };
}

/** Claude's documented limits: 5 MB per image, 100 images per request. */
const CLAUDE_IMAGE_BYTES = 5 * 1024 * 1024;
const CLAUDE_IMAGES = 100;

/**
 * A neutral media part as a Claude block: images as `image`, PDFs as `document` (base64 or URL),
 * a Files API id as a `file` source. Claude takes no audio or video: refused in a message (naming
 * what would work), described in text inside a tool result.
 */
function mediaBlock(part: Record<string, unknown>, path: string, inToolResult: boolean): AnthropicBlock {
  const media = resolveMediaPart(part, path);
  const type = media.media_type;
  const source =
    media.source === "inline"
      ? { type: "base64", media_type: type, data: media.base64 }
      : media.source === "url"
        ? { type: "url", url: media.url }
        : { type: "file", file_id: media.file };
  if (
    media.source === "inline" &&
    Buffer.byteLength(media.base64, "base64") > CLAUDE_IMAGE_BYTES &&
    type?.startsWith("image/")
  )
    throw new InvalidArgumentError(
      path,
      `the image is ${(Buffer.byteLength(media.base64, "base64") / 1024 / 1024).toFixed(1)} MB, over Claude's 5 MB per image; send it smaller, or by URL`,
    );
  if (type === undefined || type.startsWith("image/")) return { type: "image", source } as AnthropicBlock;
  if (type === "application/pdf") return { type: "document", source } as AnthropicBlock;
  if (inToolResult) return { type: "text", text: describeMedia(part) };
  throw new InvalidArgumentError(
    path,
    `Claude cannot take ${type} (it takes images and PDFs); use GoogleAI for video and audio, or send video frames as images`,
  );
}

/** Content (a string or parts) as Anthropic blocks; empty text is left out (the API refuses it). */
function toBlocks(content: unknown, path: string, inToolResult = false): AnthropicBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content))
    throw new InvalidArgumentError(path, "content must be a string, an array of content parts, or null");
  return content.flatMap((part, index): AnthropicBlock[] => {
    const at = `${path}[${index}]`;
    if (!isRecord(part) || typeof part["type"] !== "string")
      throw new InvalidArgumentError(at, "a content part needs a type");
    if (part["type"] === "text") {
      if (typeof part["text"] !== "string") throw new InvalidArgumentError(`${at}.text`, "must be a string");
      return part["text"] === "" ? [] : [{ type: "text", text: part["text"] }];
    }
    if (part["type"] === "image_url") {
      const image = part["image_url"];
      return [imageBlock(isRecord(image) ? image["url"] : image, `${at}.image_url.url`)];
    }
    if (part["type"] === "media") return [mediaBlock(part, at, inToolResult)];
    // Anthropic's own block types (image, document, ...) pass through for the API to check.
    return [part as AnthropicBlock];
  });
}

function toToolUse(call: DirectorToolCallInput | OpenAIToolCallInput, path: string): AnthropicBlock {
  if (!isRecord(call) || typeof call.id !== "string" || call.id === "")
    throw new InvalidArgumentError(`${path}.id`, "a tool call needs a non-empty string id");
  if ("function" in call && isRecord(call.function)) {
    const { name } = call.function;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.function.name`, "is required");
    return {
      type: "tool_use",
      id: call.id,
      name,
      input: toolArgumentsObject(
        call.function.arguments,
        `${path}.function.arguments`,
        "Claude's tool_use input",
      ),
    };
  }
  if ("tool" in call && isRecord(call.tool)) {
    const { name } = call.tool;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.tool.name`, "is required");
    const args = call.tool.raw_arguments ?? call.tool.arguments;
    return {
      type: "tool_use",
      id: call.id,
      name,
      input: toolArgumentsObject(args, `${path}.tool.arguments`, "Claude's tool_use input"),
    };
  }
  throw new InvalidArgumentError(
    path,
    "a tool call needs `tool: {name, arguments}` or `function: {name, arguments}`",
  );
}

/** A tool result: text as is, parts as blocks, any other JSON value as its JSON text. */
function toolResultContent(content: unknown, path: string): string | AnthropicBlock[] {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return toBlocks(content, path, true);
  return jsonText(content, path);
}

function systemText(message: ChatMessage, path: string): AnthropicTextBlock[] {
  return toBlocks(message.content, `${path}.content`).map((block) => {
    if (block.type !== "text")
      throw new InvalidArgumentError(`${path}.content`, "a system message holds text only");
    return block as AnthropicTextBlock;
  });
}

/**
 * Converts Director-shape (or OpenAI-native) messages to the Messages API. Pure. Every system and
 * developer message goes into `system`, in order; an assistant turn becomes its thinking blocks
 * (sent back unchanged), its text and one `tool_use` block per tool call; tool results become
 * `tool_result` blocks in user turns (with `is_error` when marked); consecutive turns of one role
 * are merged into one, as the API requires.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): {
  /** One plain system text stays a string; several, or parts, are text blocks. */
  system: string | AnthropicTextBlock[];
  messages: AnthropicMessage[];
} {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new InvalidArgumentError("messages", "must be a non-empty array");
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const add = (role: "user" | "assistant", blocks: AnthropicBlock[]) => {
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const [index, raw] of messages.entries()) {
    const path = `messages[${index}]`;
    if (!isRecord(raw)) throw new InvalidArgumentError(path, "must be a message object");
    const message = raw as unknown as ChatMessage;
    switch (message.role) {
      case "system":
      case "developer":
        requireContent(message, index);
        system.push(...systemText(message, path));
        break;
      case "user":
        requireContent(message, index);
        add("user", toBlocks(message.content, `${path}.content`));
        break;
      case "assistant": {
        const blocks: AnthropicBlock[] = [...(message.thinking ?? [])];
        blocks.push(...toBlocks(message.content, `${path}.content`));
        for (const [at, call] of (message.tool_calls ?? []).entries())
          blocks.push(toToolUse(call, `${path}.tool_calls[${at}]`));
        if (blocks.length === 0)
          throw new InvalidArgumentError(`${path}.content`, "an assistant turn needs text or tool calls");
        add("assistant", blocks);
        break;
      }
      case "tool": {
        if (typeof message.tool_call_id !== "string" || message.tool_call_id === "")
          throw new InvalidArgumentError(`${path}.tool_call_id`, "a tool result needs the id of its call");
        add("user", [
          {
            type: "tool_result",
            tool_use_id: message.tool_call_id,
            content: toolResultContent(message.content, `${path}.content`),
            ...(typeof message.is_error === "boolean" ? { is_error: message.is_error } : {}),
          },
        ]);
        break;
      }
      default:
        throw new InvalidArgumentError(`${path}.role`, `unknown role ${JSON.stringify(message.role)}`);
    }
  }
  for (const [index, turn] of turns.entries())
    if (turn.content.length === 0) throw new InvalidArgumentError(`messages`, `turn ${index} has no content`);
  const images = turns.reduce(
    (sum, turn) => sum + turn.content.filter((block) => block.type === "image").length,
    0,
  );
  if (images > CLAUDE_IMAGES)
    throw new InvalidArgumentError(
      "messages",
      `holds ${images} images, over Claude's ${CLAUDE_IMAGES} per request`,
    );
  const systems = messages.filter((message) => message?.role === "system" || message?.role === "developer");
  const plain = systems.length === 1 && typeof systems[0]?.content === "string" && system.length === 1;
  return { system: plain ? system[0]!.text : system, messages: turns };
}
