/** Most characters of text whose counts are kept, per counter (about 8 MB of strings at most). */
const MAX_CACHED_CHARS = 4_000_000;
/** Texts longer than this are counted every time (the tokenizer's cost is linear; the key's is too). */
const MAX_TEXT_CHARS = 65_536;

/**
 * A token counter that remembers the counts of the texts it has seen, in insertion order, keeping
 * at most {@link MAX_CACHED_CHARS} characters (the oldest are forgotten first). An agent sends its
 * system prompt, tool definitions and whole history again on every turn, and the rate budget and
 * the context-window check count them each time: with this, only the new messages are tokenized.
 * A count depends only on the text, so a cached count is exact.
 */
export function cachedCounter(count: (text: string) => number): (text: string) => number {
  const counts = new Map<string, number>();
  let cachedChars = 0;
  return (text) => {
    const known = counts.get(text);
    if (known !== undefined) return known;
    const tokens = count(text);
    if (text.length > MAX_TEXT_CHARS) return tokens;
    counts.set(text, tokens);
    cachedChars += text.length;
    if (cachedChars > MAX_CACHED_CHARS) {
      for (const oldest of counts.keys()) {
        counts.delete(oldest);
        cachedChars -= oldest.length;
        if (cachedChars <= MAX_CACHED_CHARS / 2) break;
      }
    }
    return tokens;
  };
}
