import { InvalidArgumentError } from "./usage-errors.js";

/**
 * The media type the first bytes of a file say, for the kinds media parts carry: PNG, JPEG, GIF,
 * WebP, PDF, MP3, WAV, MP4 / MOV (ISO base media), WebM. `undefined` when the bytes say none of
 * these (too short, another kind, or not a file's start).
 */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const at = (offset: number, ...values: number[]) =>
    values.every((value, index) => bytes[offset + index] === value);
  const ascii = (offset: number, text: string) => at(offset, ...[...text].map((char) => char.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  if (ascii(0, "RIFF") && ascii(8, "WAVE")) return "audio/wav";
  if (ascii(0, "%PDF-")) return "application/pdf";
  if (ascii(0, "ID3") || (bytes[0] === 0xff && bytes[1] !== undefined && (bytes[1] & 0xe0) === 0xe0))
    return "audio/mpeg";
  if (ascii(4, "ftyp")) return ascii(8, "qt  ") ? "video/quicktime" : "video/mp4";
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return "video/webm";
  return undefined;
}

/** Media types that name the same kind of file (`audio/mp3` is `audio/mpeg`, `audio/x-wav` is `audio/wav`). */
export function sameMediaType(declared: string, sniffed: string): boolean {
  const canonical = (type: string) =>
    ({
      "audio/mp3": "audio/mpeg",
      "audio/x-wav": "audio/wav",
      "audio/wave": "audio/wav",
      "image/jpg": "image/jpeg",
    })[type] ?? type;
  return canonical(declared) === canonical(sniffed);
}

/**
 * The media type of a file about to be uploaded: the declared one, checked against what its first
 * bytes say, or the sniffed one. A contradiction, or no type at all, is an {@link InvalidArgumentError}.
 */
export function uploadMediaType(head: Uint8Array, declared: string | undefined): string {
  const sniffed = sniffMediaType(head);
  if (declared === undefined) {
    if (sniffed === undefined)
      throw new InvalidArgumentError("media_type", "is needed: the file's first bytes do not say its type");
    return sniffed;
  }
  if (sniffed !== undefined && !sameMediaType(declared.toLowerCase(), sniffed))
    throw new InvalidArgumentError(
      "media_type",
      `says ${declared} but the file's first bytes say ${sniffed}`,
    );
  return declared;
}
