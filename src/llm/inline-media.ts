import { isRecord } from "../core/is-record.js";
import type { ChatMessage } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** The caller's download: the bytes at `url` (and their media type when known). */
export type MediaDownload = (
  url: string,
  options: { signal?: AbortSignal | undefined },
) => Promise<{ data: Uint8Array; media_type?: string | undefined }>;

/**
 * The messages with every `{ type: "media", url }` part that `takesUrl` says the provider cannot
 * fetch replaced by the bytes `download` returns (inline); everything else as it was (the same
 * objects). Only the caller's function fetches anything: the library never downloads on its own.
 */
export async function inlineMediaUrls(
  messages: readonly ChatMessage[],
  takesUrl: (mediaType: string | undefined) => boolean,
  download: MediaDownload,
  signal: AbortSignal | undefined,
): Promise<ChatMessage[]> {
  if (typeof download !== "function")
    throw new InvalidArgumentError(
      "download",
      "must be a function (url, { signal }) => Promise<{ data, media_type? }>",
    );
  return Promise.all(
    messages.map(async (message, index) => {
      if (!Array.isArray(message.content)) return message;
      let changed = false;
      const content = await Promise.all(
        (message.content as unknown[]).map(async (part, partIndex) => {
          if (!isRecord(part) || part["type"] !== "media" || typeof part["url"] !== "string") return part;
          const mediaType = typeof part["media_type"] === "string" ? part["media_type"] : undefined;
          if (!/^https?:\/\//i.test(part["url"]) || takesUrl(mediaType)) return part;
          const fetched = await download(part["url"], { signal });
          if (!isRecord(fetched) || !(fetched.data instanceof Uint8Array))
            throw new InvalidArgumentError(
              `messages[${index}].content[${partIndex}]`,
              "the download function must resolve with { data: Uint8Array, media_type? }",
            );
          changed = true;
          const { url: _url, ...rest } = part;
          return {
            ...rest,
            data: fetched.data,
            ...((mediaType ?? fetched.media_type) ? { media_type: mediaType ?? fetched.media_type } : {}),
          };
        }),
      );
      return changed ? ({ ...message, content } as ChatMessage) : message;
    }),
  );
}
