/**
 * Reads what token counting needs from a media file's header, never decoding the whole file: an
 * image's width and height (PNG, JPEG, GIF, WebP) and a clip's duration (WAV, MP4 / MOV). Input is
 * base64 text (only the slices read are decoded) or bytes. `undefined` when the header is missing,
 * truncated or of another kind.
 */

/** Bytes `[start, end)` of a file (fewer at its end). */
type ReadBytes = (start: number, end: number) => Uint8Array;

/** A reader over base64 text that decodes only the slices asked for. */
export function base64Bytes(base64: string): ReadBytes {
  // Without copying the text: a 20 MB video's base64 is not duplicated to drop its padding.
  let padding = 0;
  while (padding < 2 && base64.charCodeAt(base64.length - 1 - padding) === 61 /* = */) padding += 1;
  const size = Math.floor(((base64.length - padding) * 3) / 4);
  return (start, end) => {
    const from = Math.max(0, Math.floor(start / 3) * 4);
    const to = Math.ceil(Math.min(end, size) / 3) * 4;
    if (to <= from) return new Uint8Array(0);
    const decoded = Buffer.from(base64.slice(from, to), "base64");
    const skip = start - (from / 4) * 3;
    return decoded.subarray(skip, skip + (Math.min(end, size) - start));
  };
}

function readerOf(input: string | Uint8Array): ReadBytes {
  if (typeof input === "string") return base64Bytes(input);
  return (start, end) => input.subarray(start, end);
}

const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, at: number) => (u16be(b, at) * 65536 + u16be(b, at + 2)) >>> 0;
const u32le = (b: Uint8Array, at: number) => (u16le(b, at) + u16le(b, at + 2) * 65536) >>> 0;
const ascii = (b: Uint8Array, at: number, text: string) =>
  [...text].every((char, index) => b[at + index] === char.charCodeAt(0));

/** How far into a JPEG its frame header is looked for (EXIF thumbnails come first): 1 MiB. */
const JPEG_SCAN_BYTES = 1024 * 1024;

/** An image's width and height in pixels, from its header. */
export function imageSize(input: string | Uint8Array): { width: number; height: number } | undefined {
  const read = readerOf(input);
  const head = read(0, 32);
  let size: { width: number; height: number } | undefined;
  if (u32be(head, 0) === 0x89504e47 && ascii(head, 12, "IHDR"))
    size = { width: u32be(head, 16), height: u32be(head, 20) };
  else if (ascii(head, 0, "GIF8")) size = { width: u16le(head, 6), height: u16le(head, 8) };
  else if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) size = webpSize(head);
  else if (head[0] === 0xff && head[1] === 0xd8) size = jpegSize(read);
  return size !== undefined && size.width > 0 && size.height > 0 ? size : undefined;
}

function webpSize(head: Uint8Array): { width: number; height: number } | undefined {
  if (ascii(head, 12, "VP8X")) return { width: u24le(head, 24) + 1, height: u24le(head, 27) + 1 };
  if (ascii(head, 12, "VP8L") && head[20] === 0x2f) {
    const bits = u32le(head, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(head, 12, "VP8 ") && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a)
    return { width: u16le(head, 26) & 0x3fff, height: u16le(head, 28) & 0x3fff };
  return undefined;
}

/** Walks a JPEG's segments to its frame header (SOF0-SOF15, except DHT, JPG and DAC). */
function jpegSize(read: ReadBytes): { width: number; height: number } | undefined {
  let at = 2;
  for (let segments = 0; segments < 1000 && at < JPEG_SCAN_BYTES; segments += 1) {
    const marker = read(at, at + 9);
    if (marker.length < 4 || marker[0] !== 0xff) return undefined;
    const type = marker[1]!;
    if (type === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc) {
      if (marker.length < 9) return undefined;
      return { width: u16be(marker, 7), height: u16be(marker, 5) };
    }
    if (type === 0xd9 || type === 0xda) return undefined; // end of image, or scan data before a frame
    at += 2 + u16be(marker, 2);
  }
  return undefined;
}

/** Most boxes walked in an MP4 / MOV file looking for `moov` / `mvhd`. */
const MAX_BOXES = 10_000;

/** A clip's duration in seconds from its header: WAV (`fmt `/`data`), MP4 / MOV (`moov/mvhd`). */
export function mediaDuration(input: string | Uint8Array): number | undefined {
  const read = readerOf(input);
  const head = read(0, 12);
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return wavDuration(read);
  if (ascii(head, 4, "ftyp")) return mp4Duration(read);
  return undefined;
}

function wavDuration(read: ReadBytes): number | undefined {
  let at = 12;
  let byteRate: number | undefined;
  for (let chunks = 0; chunks < 100; chunks += 1) {
    const header = read(at, at + 16);
    if (header.length < 8) return undefined;
    const size = u32le(header, 4);
    if (ascii(header, 0, "fmt ") && header.length >= 16) byteRate = u32le(read(at + 8, at + 24), 8);
    if (ascii(header, 0, "data")) return byteRate ? size / byteRate : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function mp4Duration(read: ReadBytes): number | undefined {
  // Top-level boxes to `moov`, then its children to `mvhd` (timescale and duration).
  let at = 0;
  let end = Number.POSITIVE_INFINITY;
  let inMoov = false;
  for (let boxes = 0; boxes < MAX_BOXES && at < end; boxes += 1) {
    const header = read(at, at + 16);
    if (header.length < 8) return undefined;
    let size = u32be(header, 0);
    let headerSize = 8;
    if (size === 1) {
      size = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
      headerSize = 16;
    }
    if (size < headerSize) return undefined;
    if (!inMoov && ascii(header, 4, "moov")) {
      inMoov = true;
      end = at + size;
      at += headerSize;
      continue;
    }
    if (inMoov && ascii(header, 4, "mvhd")) {
      const body = read(at + headerSize, at + headerSize + 32);
      const version = body[0];
      const [scale, duration] =
        version === 1
          ? [u32be(body, 20), u32be(body, 24) * 2 ** 32 + u32be(body, 28)]
          : [u32be(body, 12), u32be(body, 16)];
      return scale > 0 ? duration / scale : undefined;
    }
    at += size;
  }
  return undefined;
}
