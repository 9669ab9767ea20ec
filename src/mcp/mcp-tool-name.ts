import { createHash } from "node:crypto";

/** What every provider takes as a tool name (OpenAI's rule, the strictest). */
const SAFE = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * An MCP tool's name as the providers take it: `prefix_name` when a prefix is given, characters
 * outside `a-zA-Z0-9_-` replaced by `_`, at most 64 characters (a long name keeps a short hash of
 * the whole, so two long names stay apart), and made unique among `used` with a numeric suffix.
 */
export function mcpToolName(name: string, prefix: string | undefined, used: ReadonlySet<string>): string {
  const whole = prefix === undefined ? name : `${prefix}_${name}`;
  let safe = whole.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (safe === "") safe = "tool";
  if (safe.length > 64)
    safe = `${safe.slice(0, 55)}_${createHash("sha256").update(whole).digest("hex").slice(0, 8)}`;
  if (!SAFE.test(safe)) safe = safe.slice(0, 64);
  let unique = safe;
  for (let index = 2; used.has(unique) && index < 1000; index += 1) unique = `${safe.slice(0, 60)}_${index}`;
  return unique;
}
