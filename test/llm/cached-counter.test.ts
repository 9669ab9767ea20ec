import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cachedCounter } from "../../src/llm/cached-counter.js";

/** A counter that records every text it is asked to count (one token per character). */
function recording(): { count: (text: string) => number; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    count: (text) => {
      asked.push(text);
      return text.length;
    },
  };
}

describe("cachedCounter (token counts of texts seen before)", () => {
  it("counts a text once and answers the same count after", () => {
    const inner = recording();
    const count = cachedCounter(inner.count);
    assert.deepStrictEqual(
      [count("system prompt"), count("hello"), count("system prompt"), count("hello")],
      [13, 5, 13, 5],
    );
    assert.deepStrictEqual(inner.asked, ["system prompt", "hello"]);
  });

  it("does not keep texts over 64K characters", () => {
    const inner = recording();
    const count = cachedCounter(inner.count);
    const long = "a ".repeat(40_000);
    assert.equal(count(long), 80_000);
    assert.equal(count(long), 80_000);
    assert.equal(inner.asked.length, 2);
  });

  it("forgets the oldest texts once it holds more than about 8 MB", () => {
    const inner = recording();
    const count = cachedCounter(inner.count);
    const texts = Array.from({ length: 62 }, (_, index) => `${index} `.padEnd(65_536, "x"));
    for (const text of texts) count(text);
    // 62 x 65,536 characters (2 bytes each) passed 8 MB at the 62nd: the oldest were dropped down to 4 MB.
    count(texts[0]!);
    count(texts[61]!);
    assert.equal(inner.asked.length, 63);
    assert.equal(inner.asked[62], texts[0]);
  });

  it("counts each short text's overhead too: 200,000 short prompts do not all stay", () => {
    const inner = recording();
    const count = cachedCounter(inner.count);
    for (let index = 0; index < 200_000; index += 1) count(`prompt ${index}`);
    // 200,000 x (2 x ~12 + 64) bytes is over 8 MB: the first ones were forgotten.
    count("prompt 0");
    assert.equal(inner.asked.length, 200_001);
    count("prompt 199999");
    assert.equal(inner.asked.length, 200_001);
  });
});
