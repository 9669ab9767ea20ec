import { isRecord } from "./is-record.js";
import type { ContentPart } from "./messages.js";

const PARTS = Symbol.for("director-llm.tool-result-parts");

/** A tool's result made of content parts (text and media), as {@link tool_result_parts} builds it. */
export interface ToolResultParts {
  readonly [PARTS]: true;
  readonly parts: ContentPart[];
}

/**
 * A tool result with media: return it from a tool's `execute` and the parts go back to the model
 * as they are where the provider takes media in tool results (Claude, Gemini), and as text with
 * the media described where it does not (OpenAI's tool messages take text only).
 */
export function tool_result_parts(parts: ContentPart[]): ToolResultParts {
  return { [PARTS]: true, parts };
}

/** Whether a tool's return value is a {@link ToolResultParts}. */
export function isToolResultParts(value: unknown): value is ToolResultParts {
  return isRecord(value) && (value as Record<symbol, unknown>)[PARTS] === true;
}

/** A media part described in text, for a provider that cannot take it where it stands: `[image: image/png, 70 bytes]`. */
export function describeMedia(part: Record<string, unknown>): string {
  const data = part["data"];
  const bytes =
    data instanceof Uint8Array
      ? data.byteLength
      : typeof data === "string"
        ? Buffer.byteLength(data, "base64")
        : undefined;
  const type = typeof part["media_type"] === "string" ? part["media_type"] : "media";
  const kind = type.split("/")[0] ?? "media";
  const where =
    typeof part["url"] === "string" && !part["url"].startsWith("data:")
      ? `, ${part["url"]}`
      : typeof part["file"] === "string"
        ? `, ${part["file"]}`
        : "";
  return `[${kind}: ${type}${bytes === undefined ? "" : `, ${bytes} bytes`}${where}]`;
}

/** Content parts as text: text parts as they are, anything else described (for a text-only place). */
export function partsAsText(parts: readonly unknown[]): string {
  return parts
    .map((part) => {
      if (!isRecord(part)) return "";
      if (part["type"] === "text" && typeof part["text"] === "string") return part["text"];
      if (part["type"] === "media") return describeMedia(part);
      return JSON.stringify(part);
    })
    .filter((text) => text !== "")
    .join("\n");
}
