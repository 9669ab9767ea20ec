import { isRecord } from "./is-record.js";
import { sameMediaType, sniffMediaType } from "./sniff-media-type.js";
import { InvalidArgumentError } from "./usage-errors.js";

/** A media part resolved to where its bytes are: inline (base64), at a URL, or in a provider's file store. */
export type ResolvedMedia =
  | { source: "inline"; media_type: string; base64: string }
  | { source: "url"; media_type: string | undefined; url: string }
  | { source: "file"; media_type: string | undefined; file: string };

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s;

/** A `data:<type>;base64,...` URL's media type and base64 text; `undefined` for any other URL. */
export function parseDataUrl(url: string, path: string): { media_type: string; base64: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const match = DATA_URL.exec(url);
  if (!match) throw new InvalidArgumentError(path, "a data: URL must be base64 (data:<type>;base64,...)");
  return { media_type: match[1]!.toLowerCase(), base64: match[3]! };
}

/**
 * Reads a provider-neutral `{ type: "media" }` part: exactly one of `url` (`http(s)` or `data:`),
 * `data` (bytes or base64 text; needs `media_type`) or `file` (a provider file reference). The media
 * type is the part's, else the `data:` URL's. Pure; anything else is an {@link InvalidArgumentError}
 * naming the part.
 */
export function resolveMediaPart(part: Record<string, unknown>, path: string): ResolvedMedia {
  const given = (["url", "data", "file"] as const).filter((key) => part[key] !== undefined);
  if (given.length !== 1)
    throw new InvalidArgumentError(
      path,
      `a media part needs exactly one of url, data or file (got ${given.length === 0 ? "none" : given.join(" and ")})`,
    );
  const declared = part["media_type"];
  if (declared !== undefined && (typeof declared !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(declared)))
    throw new InvalidArgumentError(
      `${path}.media_type`,
      "must be a media type such as video/mp4 or image/png",
    );
  const mediaType = (declared as string | undefined)?.toLowerCase();
  const key = given[0]!;
  const value = part[key];
  if (key === "data") {
    if (
      !(value instanceof Uint8Array) &&
      (typeof value !== "string" || value === "" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
    )
      throw new InvalidArgumentError(`${path}.data`, "must be bytes (a Uint8Array or Buffer) or base64 text");
    // A view of the caller's bytes, not a copy of them (a video can be large).
    const base64 =
      value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")
        : (value as string);
    return { source: "inline", media_type: checkedType(mediaType, base64, path), base64 };
  }
  if (typeof value !== "string" || value === "")
    throw new InvalidArgumentError(`${path}.${key}`, "must be a non-empty string");
  if (key === "file") return { source: "file", media_type: mediaType, file: value };
  const inline = parseDataUrl(value, `${path}.url`);
  if (inline !== undefined) {
    if (mediaType !== undefined && mediaType !== inline.media_type)
      throw new InvalidArgumentError(
        `${path}.media_type`,
        `says ${mediaType} but the data: URL says ${inline.media_type}`,
      );
    return {
      source: "inline",
      media_type: checkedType(inline.media_type, inline.base64, path),
      base64: inline.base64,
    };
  }
  if (!/^https?:\/\//i.test(value))
    throw new InvalidArgumentError(`${path}.url`, "must be an http(s) URL or a data: URL");
  return { source: "url", media_type: mediaType, url: value };
}

/**
 * The media type of inline bytes: the declared one, checked against what the first bytes say (a
 * mismatch is refused: a provider would misread the file), or the sniffed one when none was
 * declared. Bytes of a kind the sniffer does not know keep the declared type.
 */
function checkedType(declared: string | undefined, base64: string, path: string): string {
  const sniffed = sniffMediaType(Buffer.from(base64.slice(0, 64), "base64"));
  if (declared === undefined) {
    if (sniffed === undefined)
      throw new InvalidArgumentError(
        `${path}.media_type`,
        "is required: the bytes are of no kind recognized from their start (give e.g. image/png)",
      );
    return sniffed;
  }
  if (sniffed !== undefined && !sameMediaType(declared, sniffed))
    throw new InvalidArgumentError(`${path}.media_type`, `says ${declared} but the bytes are ${sniffed}`);
  return declared;
}

/** Whether a content part is a provider-neutral media part. */
export function isMediaPart(part: unknown): part is Record<string, unknown> & { type: "media" } {
  return isRecord(part) && part["type"] === "media";
}
