import { imageSize } from "../core/media-metadata.js";

/** An image part's cost when its size is unknown (a URL): one 512x512 tile plus the base. */
const UNKNOWN_SIZE_TOKENS = 255;
const BASE_TOKENS = 85;
const TILE_TOKENS = 170;

/**
 * The input tokens of an `image_url` part by OpenAI's tile rule (GPT-4o and the vision models
 * that share it): `detail: "low"` is 85; otherwise the image is scaled to fit 2048x2048, then so
 * its shorter side is at most 768, and each 512x512 tile costs 170 on top of 85. The size is read
 * from a `data:` URL's header (never decoding the image); a URL's image is counted as one tile.
 */
export function openaiImageTokens(imageUrl: unknown): number {
  const { url, detail } = (imageUrl ?? {}) as { url?: unknown; detail?: unknown };
  if (detail === "low") return BASE_TOKENS;
  const match = typeof url === "string" ? /^data:[^,]*;base64,/.exec(url) : null;
  const size = match ? imageSize((url as string).slice(match[0].length)) : undefined;
  if (size === undefined) return UNKNOWN_SIZE_TOKENS;
  let { width, height } = size;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shorter = Math.min(1, 768 / Math.min(width, height));
  width *= shorter;
  height *= shorter;
  return BASE_TOKENS + TILE_TOKENS * Math.ceil(width / 512) * Math.ceil(height / 512);
}
