import { isRecord } from "../core/is-record.js";
import { jsonText } from "../core/json-text.js";
import { parseDataUrl, resolveMediaPart } from "../core/media-part.js";
import type { ChatMessage, DirectorToolCallInput, OpenAIToolCallInput } from "../core/messages.js";
import { requireContent } from "../core/require-content.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import { toolArgumentsObject } from "../llm/read-tool-definition.js";
import type { GeminiContent, GeminiPart } from "./gemini-api.js";

/** Media types of image URLs given without one (OpenAI's `image_url`), by extension. */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};
const YOUTUBE = /^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i;

/** A media source as a Gemini part: inline bytes as `inlineData`, URLs and file URIs as `fileData`. */
function mediaPart(options: {
  media_type: string | undefined;
  inline?: string;
  uri?: string;
  path: string;
}): GeminiPart {
  const { media_type, inline, uri, path } = options;
  if (inline !== undefined) return { inlineData: { mimeType: media_type!, data: inline } };
  const mimeType = media_type ?? (YOUTUBE.test(uri!) ? "video/mp4" : undefined);
  if (mimeType === undefined)
    throw new InvalidArgumentError(
      `${path}.media_type`,
      "is required for a URL or file on Gemini (e.g. video/mp4)",
    );
  return { fileData: { mimeType, fileUri: uri! } };
}

function imagePart(url: unknown, path: string): GeminiPart {
  if (typeof url !== "string" || url === "")
    throw new InvalidArgumentError(path, "an image part needs a url");
  const inline = parseDataUrl(url, path);
  if (inline) return mediaPart({ media_type: inline.media_type, inline: inline.base64, path });
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? "";
  const mediaType = IMAGE_TYPES[extension];
  if (mediaType === undefined)
    throw new InvalidArgumentError(
      path,
      'Gemini needs the media type of an image URL: use { type: "media", media_type: "image/png", url }',
    );
  return mediaPart({ media_type: mediaType, uri: url, path });
}

/** One content part as Gemini parts (empty text is left out). */
function toPart(part: unknown, at: string): GeminiPart[] {
  if (!isRecord(part) || typeof part["type"] !== "string")
    throw new InvalidArgumentError(at, "a content part needs a type");
  switch (part["type"]) {
    case "text":
      if (typeof part["text"] !== "string") throw new InvalidArgumentError(`${at}.text`, "must be a string");
      return part["text"] === "" ? [] : [{ text: part["text"] }];
    case "image_url": {
      const image = part["image_url"];
      return [imagePart(isRecord(image) ? image["url"] : image, `${at}.image_url.url`)];
    }
    case "media": {
      const media = resolveMediaPart(part, at);
      if (media.source === "inline")
        return [mediaPart({ media_type: media.media_type, inline: media.base64, path: at })];
      return [
        mediaPart({
          media_type: media.media_type,
          uri: media.source === "url" ? media.url : media.file,
          path: at,
        }),
      ];
    }
    case "input_audio": {
      // OpenAI's audio part: base64 data and a format (wav, mp3).
      const audio = part["input_audio"];
      if (!isRecord(audio) || typeof audio["data"] !== "string" || typeof audio["format"] !== "string")
        throw new InvalidArgumentError(`${at}.input_audio`, "needs data (base64) and format (wav or mp3)");
      const format = audio["format"] === "mp3" ? "audio/mp3" : `audio/${audio["format"]}`;
      return [mediaPart({ media_type: format, inline: audio["data"], path: at })];
    }
    case "file": {
      // OpenAI's file part: inline `file_data` (a data: URL) maps; an OpenAI file id cannot.
      const file = part["file"];
      const data = isRecord(file) ? file["file_data"] : undefined;
      const inline = typeof data === "string" ? parseDataUrl(data, `${at}.file.file_data`) : undefined;
      if (!inline)
        throw new InvalidArgumentError(
          `${at}.file`,
          "Gemini takes a file part's file_data as a data: URL; an OpenAI file_id is not readable there",
        );
      return [mediaPart({ media_type: inline.media_type, inline: inline.base64, path: at })];
    }
    default:
      throw new InvalidArgumentError(
        `${at}.type`,
        `Gemini cannot take a ${JSON.stringify(part["type"])} part (text, image_url, media, input_audio and file are mapped)`,
      );
  }
}

function toParts(content: unknown, path: string): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  if (!Array.isArray(content))
    throw new InvalidArgumentError(path, "content must be a string, an array of content parts, or null");
  return content.flatMap((part, index) => toPart(part, `${path}[${index}]`));
}

function toFunctionCall(call: DirectorToolCallInput | OpenAIToolCallInput, path: string): GeminiPart {
  if (!isRecord(call) || typeof call.id !== "string" || call.id === "")
    throw new InvalidArgumentError(`${path}.id`, "a tool call needs a non-empty string id");
  let name: unknown;
  let args: Record<string, unknown>;
  if ("function" in call && isRecord(call.function)) {
    name = call.function.name;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.function.name`, "is required");
    args = toolArgumentsObject(
      call.function.arguments,
      `${path}.function.arguments`,
      "Gemini's functionCall args",
    );
  } else if ("tool" in call && isRecord(call.tool)) {
    name = call.tool.name;
    if (typeof name !== "string" || name === "")
      throw new InvalidArgumentError(`${path}.tool.name`, "is required");
    args = toolArgumentsObject(
      call.tool.raw_arguments ?? call.tool.arguments,
      `${path}.tool.arguments`,
      "Gemini's functionCall args",
    );
  } else
    throw new InvalidArgumentError(
      path,
      "a tool call needs `tool: {name, arguments}` or `function: {name, arguments}`",
    );
  const part: GeminiPart = { functionCall: { id: call.id, name: name as string, args } };
  const signature = (call as DirectorToolCallInput).thought_signature;
  if (typeof signature === "string" && signature !== "") part.thoughtSignature = signature;
  return part;
}

/**
 * A tool result as `functionResponse.response`, which must be an object: a JSON object as is;
 * text, content parts and any other JSON value under `result` (`error` for a failed tool).
 */
function toolResponse(message: ChatMessage, path: string): Record<string, unknown> {
  const key = message.is_error === true ? "error" : "result";
  const content = message.content;
  if (isRecord(content)) {
    jsonText(content, path);
    return content;
  }
  if (content === undefined || content === null) return { [key]: "" };
  if (typeof content === "string") return { [key]: content };
  if (Array.isArray(content) && content.every((part) => isRecord(part) && part["type"] !== undefined))
    return {
      [key]: content
        .filter((part) => (part as { type: string }).type === "text")
        .map((part) => (part as { text: string }).text)
        .join(""),
    };
  jsonText(content, path);
  return { [key]: content };
}

/**
 * Converts Director-shape (or OpenAI-native) messages to Gemini's `contents` and
 * `systemInstruction`. Pure. System and developer messages go into `systemInstruction`, in order;
 * an assistant turn becomes a `model` turn: its text (carrying the message's `thought_signature`)
 * and one `functionCall` part per tool call (each with its id and signature); tool results become
 * `functionResponse` parts of user turns, named after the call they answer; consecutive turns of one
 * role are merged into one (so parallel results share one turn), as the API requires.
 */
export function convertToGeminiContents(messages: readonly ChatMessage[]): {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
} {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new InvalidArgumentError("messages", "must be a non-empty array");
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  /** The function name of every tool call seen so far, by id: a result names its call. */
  const callNames = new Map<string, string>();
  const add = (role: "user" | "model", parts: GeminiPart[]) => {
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [index, raw] of messages.entries()) {
    const path = `messages[${index}]`;
    if (!isRecord(raw)) throw new InvalidArgumentError(path, "must be a message object");
    const message = raw as unknown as ChatMessage;
    switch (message.role) {
      case "system":
      case "developer":
        requireContent(message, index);
        for (const part of toParts(message.content, `${path}.content`)) {
          if (part.text === undefined)
            throw new InvalidArgumentError(`${path}.content`, "a system message holds text only");
          system.push(part);
        }
        break;
      case "user":
        requireContent(message, index);
        add("user", toParts(message.content, `${path}.content`));
        break;
      case "assistant": {
        const parts = toParts(message.content, `${path}.content`);
        const signature = message.thought_signature;
        if (typeof signature === "string" && signature !== "") {
          // The signature goes back on the text it came with (an empty text part when there was none).
          const lastText = parts.findLast((part) => part.text !== undefined);
          if (lastText) lastText.thoughtSignature = signature;
          else parts.push({ text: "", thoughtSignature: signature });
        }
        for (const [at, call] of (message.tool_calls ?? []).entries()) {
          const part = toFunctionCall(call, `${path}.tool_calls[${at}]`);
          callNames.set(part.functionCall!.id!, part.functionCall!.name);
          parts.push(part);
        }
        if (parts.length === 0)
          throw new InvalidArgumentError(`${path}.content`, "an assistant turn needs text or tool calls");
        add("model", parts);
        break;
      }
      case "tool": {
        const id = message.tool_call_id;
        if (typeof id !== "string" || id === "")
          throw new InvalidArgumentError(`${path}.tool_call_id`, "a tool result needs the id of its call");
        const name = callNames.get(id) ?? (typeof message.name === "string" ? message.name : undefined);
        if (name === undefined)
          throw new InvalidArgumentError(
            `${path}.tool_call_id`,
            `no earlier assistant turn has a tool call with id ${JSON.stringify(id)} (Gemini needs the function's name)`,
          );
        // Media a tool returned follows its functionResponse in the same turn, as parts Gemini reads.
        const media = Array.isArray(message.content)
          ? (message.content as unknown[]).flatMap((part, at) =>
              isRecord(part) && part["type"] !== "text" ? toPart(part, `${path}.content[${at}]`) : [],
            )
          : [];
        add("user", [
          { functionResponse: { id, name, response: toolResponse(message, `${path}.content`) } },
          ...media,
        ]);
        break;
      }
      default:
        throw new InvalidArgumentError(`${path}.role`, `unknown role ${JSON.stringify(message.role)}`);
    }
  }
  if (contents.length === 0)
    throw new InvalidArgumentError(
      "messages",
      "needs a user message: Gemini answers none with only a system instruction",
    );
  for (const [index, turn] of contents.entries())
    if (turn.parts.length === 0) throw new InvalidArgumentError("messages", `turn ${index} has no content`);
  return { ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}), contents };
}
