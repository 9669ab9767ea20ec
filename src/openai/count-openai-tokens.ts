import { openaiImageTokens } from "./openai-image-tokens.js";
import { createRequire } from "node:module";
import { cachedCounter } from "../llm/cached-counter.js";
import type { TokenEncoding } from "./openai-chat-model.js";
import type { WireChatRequest, WireMessage, WireTool } from "./openai-chat-api.js";

type CountTokens = (text: string) => number;
const require = createRequire(import.meta.url);
const encoders = new Map<TokenEncoding, CountTokens>();

/**
 * Without `gpt-tokenizer`: about four UTF-8 bytes per token, OpenAI's rule of thumb for English
 * with its BPE encodings (CJK and code run closer to two).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text) / 4);
}

/** Whether exact counting is available (the optional peer `gpt-tokenizer` is installed). */
export function hasExactTokenizer(): boolean {
  return counter("o200k_base") !== estimateTokens;
}

/**
 * The token counter of an encoding, from `gpt-tokenizer` (pure JS, OpenAI's own BPE ranks), an
 * optional peer dependency: it weighs about 55 MB installed, so it is only used where installed;
 * otherwise counts are estimates ({@link estimateTokens}). Loaded on first use, synchronously, so
 * importing director-llm stays fast. Counts of texts seen before are remembered
 * ({@link cachedCounter}).
 */
function counter(encoding: TokenEncoding): CountTokens {
  let count = encoders.get(encoding);
  if (count === undefined) {
    try {
      const module = require(`gpt-tokenizer/cjs/encoding/${encoding}`) as { countTokens: CountTokens };
      count = cachedCounter((text: string) => module.countTokens(text));
    } catch {
      count = estimateTokens;
    }
    encoders.set(encoding, count);
  }
  return count;
}

/** Every message costs this much beyond its role and content (`<|start|>role ... <|end|>`). */
const MESSAGE_OVERHEAD = 3;
/** The reply is primed with `<|start|>assistant<|message|>`. */
const REPLY_PRIMING = 3;
/** Tool definitions are wrapped in a system message of their own... */
const TOOLS_OVERHEAD = 9;
/** ...which shares its header with an existing system message. */
const TOOLS_WITH_SYSTEM_DISCOUNT = 4;

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

function formatType(node: JsonSchemaNode, indent: number): string {
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case "string":
      return node.enum ? node.enum.map((value) => JSON.stringify(value)).join(" | ") : "string";
    case "number":
    case "integer":
      return node.enum ? node.enum.map(String).join(" | ") : "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return node.items ? `${formatType(node.items, indent)}[]` : "any[]";
    case "object":
      return `{\n${formatObject(node, indent + 2)}\n}`;
    default:
      return "any";
  }
}

function formatObject(node: JsonSchemaNode, indent: number): string {
  const lines: string[] = [];
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    if (property.description && indent < 2) lines.push(`// ${property.description}`);
    const optional = (node.required ?? []).includes(name) ? "" : "?";
    lines.push(`${name}${optional}: ${formatType(property, indent)},`);
  }
  return lines.map((line) => " ".repeat(indent) + line).join("\n");
}

/** Tool definitions as OpenAI renders them for the model: a TypeScript-like `functions` namespace. */
export function renderToolDefinitions(tools: readonly WireTool[]): string {
  const lines = ["namespace functions {", ""];
  for (const { function: definition } of tools) {
    if (definition.description) lines.push(`// ${definition.description}`);
    const parameters = definition.parameters as JsonSchemaNode | undefined;
    if (parameters && Object.keys(parameters.properties ?? {}).length > 0) {
      lines.push(`type ${definition.name} = (_: {`, formatObject(parameters, 0), "}) => any;");
    } else {
      lines.push(`type ${definition.name} = () => any;`);
    }
    lines.push("");
  }
  lines.push("} // namespace functions");
  return lines.join("\n");
}

/** What a prompt costs: fixed tokens (framing, images) and the texts to run through the tokenizer. */
interface PromptParts {
  fixed: number;
  texts: string[];
}

function collectContent(content: unknown, parts: PromptParts): void {
  if (typeof content === "string") {
    parts.texts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content as Array<Record<string, unknown>>) {
    if (part["type"] === "text" && typeof part["text"] === "string") parts.texts.push(part["text"]);
    else if (part["type"] === "image_url") parts.fixed += openaiImageTokens(part["image_url"]);
  }
}

/** Assistant tool calls: one call is addressed `to=functions.NAME`; several go through `multi_tool_use.parallel`. */
function collectToolCalls(message: Extract<WireMessage, { role: "assistant" }>, parts: PromptParts): void {
  const calls = message.tool_calls ?? [];
  if (calls.length === 0) return;
  if (calls.length === 1) {
    const [call] = calls;
    parts.texts.push(` to=functions.${call!.function.name}`, call!.function.arguments);
    return;
  }
  const uses = calls.map((call) => {
    let parameters: unknown = call.function.arguments;
    try {
      parameters = JSON.parse(call.function.arguments);
    } catch {}
    return { recipient_name: `functions.${call.function.name}`, parameters };
  });
  parts.texts.push(" to=multi_tool_use.parallel", JSON.stringify({ tool_uses: uses }));
}

/**
 * The prompt of a chat request the way OpenAI's models see it: each message's role and content
 * plus a fixed overhead, tool results under the name of the function they answer, assistant tool
 * calls as addressed messages, tool definitions rendered as a `functions` namespace, and the reply
 * priming.
 */
function collectPrompt(request: Pick<WireChatRequest, "messages" | "tools">): PromptParts {
  const parts: PromptParts = { fixed: REPLY_PRIMING, texts: [] };
  const functionNames = new Map<string, string>();
  for (const message of request.messages) {
    let role: string = message.role;
    if (message.role === "tool") role = `functions.${functionNames.get(message.tool_call_id) ?? "tool"}`;
    parts.fixed += MESSAGE_OVERHEAD;
    parts.texts.push(role);
    collectContent(message.content, parts);
    if ("name" in message && typeof message.name === "string") {
      parts.fixed += 1;
      parts.texts.push(message.name);
    }
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? []) functionNames.set(call.id, call.function.name);
      collectToolCalls(message, parts);
    }
  }
  if (request.tools && request.tools.length > 0) {
    parts.texts.push(renderToolDefinitions(request.tools));
    parts.fixed += TOOLS_OVERHEAD;
    if (request.messages.some((message) => message.role === "system"))
      parts.fixed -= TOOLS_WITH_SYSTEM_DISCOUNT;
  }
  return parts;
}

/** Longest run without whitespace handed to the tokenizer whole (its BPE is quadratic in a run). */
const MAX_RUN = 256;
/** About how much text is counted between two looks at the signal and the clock. */
const SLICE_CHARS = 65_536;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, "g");

/**
 * A text in pieces the tokenizer handles in linear time: runs of more than {@link MAX_RUN}
 * characters without whitespace (a base64 blob, a protein sequence, `aaaa...`) are cut every
 * {@link MAX_RUN} characters, which can add a token per cut; everything else is passed whole.
 */
function* pieces(text: string): Generator<string> {
  if (text.length <= MAX_RUN) {
    yield text;
    return;
  }
  let last = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > last) yield* slices(text.slice(last, match.index));
    const run = match[0];
    for (let offset = 0; offset < run.length; offset += MAX_RUN) yield run.slice(offset, offset + MAX_RUN);
    last = match.index + run.length;
  }
  if (last < text.length) yield* slices(text.slice(last));
}

const isSpace = (character: string | undefined) => character === undefined || /\s/.test(character);

/**
 * Ordinary text in slices of about {@link SLICE_CHARS}, cut only before a single space between two
 * non-spaces: the tokenizer's pre-split puts such a space at the start of the next word's piece,
 * so the cut changes no token.
 */
function* slices(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > SLICE_CHARS) {
    let cut = text.indexOf(" ", start + SLICE_CHARS);
    while (cut !== -1 && (isSpace(text[cut - 1]) || isSpace(text[cut + 1]))) cut = text.indexOf(" ", cut + 1);
    if (cut === -1) break;
    yield text.slice(start, cut);
    start = cut;
  }
  yield text.slice(start);
}

/** Every text of a prompt, in the pieces the tokenizer is given. */
function* promptPieces(parts: PromptParts): Generator<string> {
  for (const text of parts.texts) yield* pieces(text);
}

/**
 * The prompt tokens of a chat request, counted the way OpenAI's models see it (see
 * {@link collectPrompt}). Exact for plain messages, except inside runs of more than 256 characters
 * without whitespace, counted in 256-character pieces (a token or so over per piece); tool
 * rendering is undocumented, so counts with tools are within a few tokens (checked against
 * recorded real usage). Linear in the prompt's length.
 */
export function countOpenAITokens(
  request: Pick<WireChatRequest, "messages" | "tools">,
  encoding: TokenEncoding,
): number {
  const count = counter(encoding);
  const parts = collectPrompt(request);
  let tokens = parts.fixed;
  for (const piece of promptPieces(parts)) tokens += count(piece);
  return tokens;
}

/**
 * {@link countOpenAITokens}, giving the event loop back every 64K characters: a long prompt
 * neither freezes the process nor outlives the call's signal or deadline (`stop` is asked between
 * slices and may throw).
 */
export async function countOpenAITokensAsync(
  request: Pick<WireChatRequest, "messages" | "tools">,
  encoding: TokenEncoding,
  stop: () => void,
  /** Stop once the count passes this (a prompt that cannot fit need not be counted to its end). */
  limit = Number.POSITIVE_INFINITY,
): Promise<number> {
  const count = counter(encoding);
  const parts = collectPrompt(request);
  let tokens = parts.fixed;
  let sinceYield = 0;
  for (const piece of promptPieces(parts)) {
    tokens += count(piece);
    if (tokens > limit) return tokens;
    sinceYield += piece.length;
    if (sinceYield >= SLICE_CHARS) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
      stop();
    }
  }
  return tokens;
}

function textLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (!Array.isArray(value)) return 0;
  let length = 0;
  for (const part of value as Array<Record<string, unknown>>) {
    length += typeof part["text"] === "string" ? part["text"].length : 0;
    if (part["type"] === "image_url") length += openaiImageTokens(part["image_url"]);
  }
  return length;
}

/**
 * A cheap upper bound of {@link countOpenAITokens}, with no tokenizer and no serialization: a
 * token is at least one UTF-8 byte and a UTF-16 code unit at most three. Lets the context-window
 * check skip exact counting for the many requests far from the limit.
 */
export function upperBoundTokens(request: Pick<WireChatRequest, "messages" | "tools">): number {
  let units = 0;
  for (const message of request.messages) {
    units += 16 + textLength(message.content) + ("name" in message && message.name ? message.name.length : 0);
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? [])
        units += 32 + call.function.name.length + call.function.arguments.length;
    }
    if (message.role === "tool") units += 32;
  }
  let bound = units * 3 + REPLY_PRIMING;
  if (request.tools && request.tools.length > 0)
    bound += JSON.stringify(request.tools).length * 3 + TOOLS_OVERHEAD;
  return bound;
}
