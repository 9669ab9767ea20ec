import { isRecord } from "../core/is-record.js";
import { resolveMediaPart } from "../core/media-part.js";
import { partsAsText } from "../core/tool-result-parts.js";
import type { ChatMessage, DirectorToolCallInput, OpenAIToolCallInput } from "../core/messages.js";
import { jsonText } from "../core/json-text.js";
import { requireContent } from "../core/require-content.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import type { WireMessage, WireToolCall } from "./openai-chat-api.js";

type Content = string | unknown[];

/**
 * Text or content parts; `[]`, `null` and a missing content become `""` (system, developer and
 * user messages are first checked by `requireContent`, which refuses a missing one).
 */
function toContent(content: unknown, path: string): Content {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    if (content.length === 0) return "";
    let mapped: unknown[] | undefined;
    content.forEach((part, index) => {
      if (!isRecord(part) || typeof part["type"] !== "string") {
        throw new InvalidArgumentError(
          `${path}[${index}]`,
          "a content part must be an object with a string type",
        );
      }
      if (part["type"] === "media") {
        mapped ??= [...content];
        mapped[index] = openAIMediaPart(part, `${path}[${index}]`);
      }
    });
    return mapped ?? content;
  }
  throw new InvalidArgumentError(path, "content must be a string, an array of content parts, or null");
}

/**
 * A neutral media part in OpenAI's shapes: an image as `image_url` (its URL, or a `data:` URL),
 * WAV or MP3 audio given inline as `input_audio`, a PDF given inline as a `file` with `file_data`,
 * an OpenAI file id (`file`) as a `file`. Anything else (video, audio by URL) is refused before
 * sending, saying what would work.
 */
function openAIMediaPart(part: Record<string, unknown>, path: string): Record<string, unknown> {
  const media = resolveMediaPart(part, path);
  const type = media.media_type;
  if (media.source === "file") return { type: "file", file: { file_id: media.file } };
  if (type === undefined || type.startsWith("image/"))
    return {
      type: "image_url",
      image_url: { url: media.source === "url" ? media.url : `data:${type};base64,${media.base64}` },
    };
  if (
    media.source === "inline" &&
    (type === "audio/wav" || type === "audio/x-wav" || type === "audio/mpeg" || type === "audio/mp3")
  )
    return {
      type: "input_audio",
      input_audio: { data: media.base64, format: type.endsWith("wav") ? "wav" : "mp3" },
    };
  if (media.source === "inline" && type === "application/pdf")
    return {
      type: "file",
      file: { filename: "document.pdf", file_data: `data:${type};base64,${media.base64}` },
    };
  throw new InvalidArgumentError(
    path,
    media.source === "url" &&
      (type === "application/pdf" || type === "audio/wav" || type === "audio/mpeg" || type === "audio/mp3")
      ? `OpenAI cannot take ${type} by URL (only inline, or as an uploaded file); download it yourself, or let llm.inline_media(messages, download) inline it with your download function`
      : `OpenAI cannot take ${type}${media.source === "url" ? " by URL" : ""} (it takes images, inline WAV or MP3 audio and inline PDFs); use GoogleAI for video, or send video frames as images`,
  );
}

/** A message's content: plain text as it is, anything else checked with the message's path. */
function contentOf(message: ChatMessage, index: number): Content {
  const content = message.content;
  return typeof content === "string" ? content : toContent(content, `messages[${index}].content`);
}

/** Tool results may be any JSON value: objects and numbers are sent as their JSON text. */
function toToolResultContent(content: unknown, path: string): Content {
  // OpenAI's tool messages take text parts only: media in a tool result is described in text.
  if (Array.isArray(content) && content.some((part) => isRecord(part) && part["type"] !== "text"))
    return partsAsText(content);
  if (typeof content === "string" || Array.isArray(content)) return toContent(content, path);
  if (content === undefined) return "";
  return jsonText(content, path);
}

function toWireToolCall(call: DirectorToolCallInput | OpenAIToolCallInput, path: string): WireToolCall {
  if (!isRecord(call) || typeof call.id !== "string" || call.id === "") {
    throw new InvalidArgumentError(`${path}.id`, "a tool call needs a non-empty string id");
  }
  if ("function" in call && isRecord(call.function)) {
    const { name, arguments: args } = call.function;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.function.name`, "is required");
    if (typeof args !== "string")
      throw new InvalidArgumentError(`${path}.function.arguments`, "must be a JSON string");
    return { id: call.id, type: "function", function: { name, arguments: args } };
  }
  if ("tool" in call && isRecord(call.tool)) {
    const { name } = call.tool;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.tool.name`, "is required");
    // An invalid call from an earlier response is sent back as the model wrote it.
    const args = call.tool.raw_arguments ?? call.tool.arguments ?? {};
    return {
      id: call.id,
      type: "function",
      function: {
        name,
        arguments: typeof args === "string" ? args : jsonText(args, `${path}.tool.arguments`),
      },
    };
  }
  throw new InvalidArgumentError(
    path,
    "a tool call needs `tool: {name, arguments}` or `function: {name, arguments}`",
  );
}

/** Adds a message's `name`, when it has one (a plain literal otherwise: no spread per message). */
function named<T extends WireMessage>(wire: T, message: ChatMessage): T {
  if (typeof message.name === "string") (wire as { name?: string }).name = message.name;
  return wire;
}

function convertMessage(message: ChatMessage, index: number): WireMessage {
  // Paths are built only for an error: this runs for every message of every call.
  if (!isRecord(message)) throw new InvalidArgumentError(`messages[${index}]`, "a message must be an object");
  const role = message.role;
  switch (role) {
    case "system":
    case "developer":
    case "user":
      requireContent(message, index);
      return named({ role, content: contentOf(message, index) }, message);
    case "assistant": {
      const calls = message.tool_calls ?? [];
      if (!Array.isArray(calls))
        throw new InvalidArgumentError(`messages[${index}].tool_calls`, "must be an array");
      const content = contentOf(message, index);
      if (calls.length === 0) return named({ role, content }, message);
      const tool_calls = calls.map((call, callIndex) =>
        toWireToolCall(call, `messages[${index}].tool_calls[${callIndex}]`),
      );
      return named(content === "" ? { role, tool_calls } : { role, content, tool_calls }, message);
    }
    case "tool": {
      if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
        throw new InvalidArgumentError(
          `messages[${index}].tool_call_id`,
          "a tool result needs the id of the call it answers",
        );
      }
      return {
        role,
        content: toToolResultContent(message.content, `messages[${index}].content`),
        tool_call_id: message.tool_call_id,
      };
    }
    default: {
      const unknownRole: never = role;
      throw new InvalidArgumentError(
        `messages[${index}].role`,
        `unknown role ${JSON.stringify(unknownRole)}`,
      );
    }
  }
}

/**
 * Converts messages in Director's or OpenAI's shape to wire messages. Pure. Throws
 * {@link InvalidArgumentError} for anything that cannot be sent, instead of dropping it.
 */
export function convertToOpenAIMessages(messages: readonly ChatMessage[]): WireMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new InvalidArgumentError("messages", "must be a non-empty array");
  }
  return messages.map(convertMessage);
}
