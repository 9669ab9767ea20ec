import type { ChatCompletionOptionsInput } from "../core/chat-options.js";
import { isRecord } from "../core/is-record.js";
import type { ChatMessage } from "../core/messages.js";

/** What a request needs of a model, for `FallbackLLM` to skip a member that cannot take it. */
export type Capability = "tools" | "json_schema" | "video" | "audio";

const YOUTUBE = /^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i;

/** The media type a content part carries, where it says. */
function mediaTypeOf(part: Record<string, unknown>): string | undefined {
  if (part["type"] === "media") {
    if (typeof part["media_type"] === "string") return part["media_type"];
    const url = part["url"];
    if (typeof url === "string") {
      if (YOUTUBE.test(url)) return "video/mp4";
      const data = /^data:([^;,]+)/.exec(url);
      if (data) return data[1];
    }
  }
  if (part["type"] === "input_audio") return "audio/wav";
  return undefined;
}

/** The capabilities a request needs: tools, a JSON schema answer, video or audio input. */
export function requestNeeds(
  messages: readonly ChatMessage[],
  call: ChatCompletionOptionsInput,
): Capability[] {
  const needs = new Set<Capability>();
  if (Array.isArray(call.tools) && call.tools.length > 0) needs.add("tools");
  if (isRecord(call.response_format) && call.response_format["type"] === "json_schema")
    needs.add("json_schema");
  for (const message of messages) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (!isRecord(part)) continue;
      const type = mediaTypeOf(part);
      if (type?.startsWith("video/")) needs.add("video");
      else if (type?.startsWith("audio/")) needs.add("audio");
    }
  }
  return [...needs];
}
