/**
 * The most memory the kept counts may take, per counter, in bytes: a text costs its UTF-16 bytes
 * plus about {@link ENTRY_OVERHEAD} for its string header and map entry (which dominate for short
 * texts: counting characters alone let 200,000 short prompts take about 22 MB).
 */
const MAX_CACHED_BYTES = 8_000_000;
/** Bytes a cached entry takes besides its characters (string header, map slot, number). */
const ENTRY_OVERHEAD = 64;
/** Texts longer than this are counted every time (the tokenizer's cost is linear; the key's is too). */
const MAX_TEXT_CHARS = 65_536;

/**
 * A token counter that remembers the counts of the texts it has seen, in insertion order, keeping
 * at most about {@link MAX_CACHED_BYTES} of memory (the oldest are forgotten first). An agent sends its
 * system prompt, tool definitions and whole history again on every turn, and the rate budget and
 * the context-window check count them each time: with this, only the new messages are tokenized.
 * A count depends only on the text, so a cached count is exact.
 */
export function cachedCounter(count: (text: string) => number): (text: string) => number {
  const counts = new Map<string, number>();
  let cachedBytes = 0;
  const cost = (text: string) => text.length * 2 + ENTRY_OVERHEAD;
  return (text) => {
    const known = counts.get(text);
    if (known !== undefined) return known;
    const tokens = count(text);
    if (text.length > MAX_TEXT_CHARS) return tokens;
    counts.set(text, tokens);
    cachedBytes += cost(text);
    if (cachedBytes > MAX_CACHED_BYTES) {
      for (const oldest of counts.keys()) {
        counts.delete(oldest);
        cachedBytes -= cost(oldest);
        if (cachedBytes <= MAX_CACHED_BYTES / 2) break;
      }
    }
    return tokens;
  };
}
