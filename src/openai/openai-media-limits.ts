import { InvalidArgumentError } from "../core/usage-errors.js";
import type { WireMessage } from "./openai-chat-api.js";

/** OpenAI's documented input limits for Chat Completions: images, and PDFs given inline. */
const MAX_IMAGES = 500;
const MAX_INLINE_IMAGE_BYTES = 50 * 1024 * 1024;
const MAX_INLINE_FILE_BYTES = 32 * 1024 * 1024;
/** The image types OpenAI's vision models take. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"]);

const decodedBytes = (base64: string) => Math.floor((base64.length * 3) / 4);

/**
 * Checks a request's media against OpenAI's documented limits before anything is sent: at most 500
 * images and 50 MB of inline image data per request, inline images only as PNG, JPEG, WebP or GIF,
 * and at most 32 MB of inline PDFs. Each refusal names the part (`messages[2].content[1]`) and the
 * limit. Applied to OpenAI's own API; OpenAI-compatible servers set their own limits.
 */
export function checkOpenAIMediaLimits(messages: readonly WireMessage[]): void {
  let images = 0;
  let imageBytes = 0;
  let fileBytes = 0;
  messages.forEach((message, index) => {
    if (!Array.isArray(message.content)) return;
    (message.content as unknown as Array<Record<string, unknown>>).forEach((part, partIndex) => {
      const path = `messages[${index}].content[${partIndex}]`;
      if (part["type"] === "image_url") {
        images += 1;
        if (images > MAX_IMAGES)
          throw new InvalidArgumentError(
            path,
            `is image ${images}: OpenAI takes at most ${MAX_IMAGES} images per request`,
          );
        const url = String((part["image_url"] as { url?: unknown } | undefined)?.url ?? "");
        const inline = /^data:([^;,]+)[^,]*;base64,/.exec(url);
        if (!inline) return;
        const type = inline[1]!.toLowerCase();
        if (!IMAGE_TYPES.has(type))
          throw new InvalidArgumentError(
            path,
            `OpenAI takes PNG, JPEG, WebP or GIF images, not ${type}; convert it first`,
          );
        imageBytes += decodedBytes(url) - decodedBytes(inline[0]);
        if (imageBytes > MAX_INLINE_IMAGE_BYTES)
          throw new InvalidArgumentError(
            path,
            `brings the inline images to ${(imageBytes / 1024 / 1024).toFixed(1)} MB, over OpenAI's 50 MB per request; send some by URL or smaller`,
          );
      } else if (part["type"] === "file") {
        const data = (part["file"] as { file_data?: unknown } | undefined)?.file_data;
        if (typeof data !== "string") return;
        fileBytes += decodedBytes(data.slice(data.indexOf(",") + 1));
        if (fileBytes > MAX_INLINE_FILE_BYTES)
          throw new InvalidArgumentError(
            path,
            `brings the inline PDFs to ${(fileBytes / 1024 / 1024).toFixed(1)} MB, over OpenAI's 32 MB per request; upload it (purpose "user_data") and send its file id`,
          );
      }
    });
  });
}
