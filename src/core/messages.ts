import type { StandardSchemaV1 } from "./standard-schema.js";

/** A text part of a message's content. */
export interface TextContentPart {
  type: "text";
  text: string;
}

/** An image part; `url` may be an https URL or a `data:` URL. */
export interface ImageContentPart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

/**
 * A provider-neutral media part: an image, audio, a document (PDF) or a video, written once and
 * mapped to each provider's wire shape. Exactly one of `url`, `data` or `file` is given.
 */
export interface MediaContentPart {
  type: "media";
  /** The IANA media type (`video/mp4`, `image/png`, `application/pdf`); taken from a `data:` URL when left out. */
  media_type?: string;
  /** An `http(s)` URL (a YouTube link on Gemini included), or a `data:<type>;base64,...` URL. */
  url?: string;
  /** The bytes, or their base64 text. */
  data?: string | Uint8Array;
  /** A provider file reference, such as a Gemini Files API URI. */
  file?: string;
}

/** Content parts pass through to the provider unchanged; other part types the provider knows are allowed. */
export type ContentPart =
  | TextContentPart
  | ImageContentPart
  | MediaContentPart
  | { type: string; [key: string]: unknown };

/** A tool call in Director's shape: the one `LLMResponse.tool_calls` returns and history accepts. */
export interface ToolCall {
  id: string;
  tool: {
    name: string;
    /** The parsed arguments: always a plain object (`{}` when the call is `invalid`). */
    arguments: Record<string, unknown>;
    /** Present only when `invalid`: the raw text the model sent. */
    raw_arguments?: string;
  };
  type: "function";
  /**
   * Gemini's `thoughtSignature` of this call, sent back on the same call in the next request
   * (Gemini 3 refuses a tool loop without it). Other providers leave it out.
   */
  thought_signature?: string;
  /** Present (`true`) only when the model's arguments were not a JSON object; see `parse_error`. */
  invalid?: true;
  /** Why the arguments were rejected, when `invalid`. */
  parse_error?: string;
}

/** A tool call as history input: Director's shape (arguments may be an object or a JSON string). */
export interface DirectorToolCallInput {
  id: string;
  tool: { name: string; arguments?: Record<string, unknown> | string; raw_arguments?: string };
  type?: "function";
  /** Gemini's signature of the call, as `res.tool_calls` carries it. */
  thought_signature?: string;
}

/** A tool call as history input: OpenAI's native shape. */
export interface OpenAIToolCallInput {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The roles a chat message may have. */
export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

/**
 * One chat message, in Director's shape or OpenAI's native shape. `content` may be a string,
 * content parts, `[]`, `null` (assistant messages that only call tools) or, for tool results,
 * any JSON value (sent as its JSON text).
 */
export interface ChatMessage {
  role: ChatRole;
  content?: string | ContentPart[] | null | unknown;
  name?: string;
  tool_calls?: Array<DirectorToolCallInput | OpenAIToolCallInput>;
  tool_call_id?: string;
  /** On a tool result: the tool failed (Anthropic's `is_error`; OpenAI has no such flag). */
  is_error?: boolean;
  /**
   * On an assistant turn: the provider's reasoning blocks, to be sent back unchanged (Claude's
   * `thinking` / `redacted_thinking` with their signatures; required for tool use with thinking).
   * Providers without such blocks leave them out of the request.
   */
  thinking?: ThinkingBlock[];
  /**
   * On an assistant turn: Gemini's `thoughtSignature` of the answer's text, sent back on its text
   * part (as `LLMResponse.assistant_message` carries it). Other providers leave it out.
   */
  thought_signature?: string;
}

/** A reasoning block as Claude returns it, kept opaque so it goes back byte for byte. */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

/** A JSON Schema object (kept loose: providers validate the schema itself). */
export type JsonSchema = Record<string, unknown>;

/** A tool in the spec's short shape. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: JsonSchema;
  /** Structured outputs for the arguments. Default: on when the schema qualifies, off otherwise. */
  strict?: boolean;
}

/** A tool in OpenAI's native shape (a top-level `strict`, as Director sent it, is moved inside). */
export interface OpenAIToolDefinition {
  type: "function";
  function: ToolDefinition;
  strict?: boolean;
}

/** How the model should answer: plain text, any JSON object, or JSON that matches a schema. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      /** `schema`: a JSON Schema, or a Standard Schema (zod, valibot, arktype) that is sent as its JSON Schema. */
      json_schema: {
        name: string;
        schema: JsonSchema | StandardSchemaV1;
        strict?: boolean;
        description?: string;
      };
    };

/** Which tool the model must or may call. Default `"auto"` when tools are given. */
export type ToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };
