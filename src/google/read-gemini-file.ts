import type { UploadedFile } from "../core/uploaded-file.js";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";

/** Reads a Files API `File` resource; a body without a name or URI is `invalid_response`. */
export function readUploadedFile(value: unknown): UploadedFile {
  const file = isRecord(value) && isRecord(value["file"]) ? value["file"] : value;
  if (!isRecord(file) || typeof file["name"] !== "string" || typeof file["uri"] !== "string")
    throw new LLMError({
      kind: "invalid_response",
      message: "the Files API answer has no file name and uri",
    });
  const text = (key: string) => (typeof file[key] === "string" ? (file[key] as string) : undefined);
  const mediaType = text("mimeType") ?? "application/octet-stream";
  const size = Number(text("sizeBytes") ?? file["sizeBytes"]);
  const error = isRecord(file["error"]) ? file["error"]["message"] : undefined;
  return {
    id: file["name"],
    uri: file["uri"],
    media_type: mediaType,
    size_bytes: Number.isFinite(size) ? size : undefined,
    state: text("state") ?? "STATE_UNSPECIFIED",
    display_name: text("displayName"),
    expires_at: text("expirationTime"),
    error: typeof error === "string" ? error : undefined,
    part: { type: "media", file: file["uri"], media_type: mediaType },
  };
}
