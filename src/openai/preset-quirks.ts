import { createHash } from "node:crypto";
import type { BaseLLMConfig } from "../core/base-llm-config.js";
import type { ChatCompletionOptions } from "../core/chat-options.js";
import type { LLMResponse } from "../core/llm-response.js";
import type { ChatMessage, DirectorToolCallInput } from "../core/messages.js";
import type { StreamPart } from "../core/stream-part.js";
import { InvalidArgumentError } from "../core/usage-errors.js";
import type { StreamAssembler } from "../llm/prepared-request.js";
import type { WireChatRequest, WireMessage } from "./openai-chat-api.js";
import type { OpenAIPreset } from "./openai-presets.js";

/**
 * Refuses, before anything is sent, what the preset's server is known to refuse: an option it
 * rejects (naming the option and the server), a temperature above its range.
 */
export function checkPresetOptions(
  preset: OpenAIPreset,
  call: ChatCompletionOptions,
  config: BaseLLMConfig,
): void {
  for (const [name, reason] of Object.entries(preset.refuses ?? {}))
    if ((call as Record<string, unknown>)[name] !== undefined)
      throw new InvalidArgumentError(name, `${preset.title} refuses it (${reason}); leave it out`);
  const max = preset.max_temperature;
  const temperature =
    call.temperature ?? (config.sampling_given.temperature ? config.temperature : undefined);
  if (max !== undefined && typeof temperature === "number" && temperature > max)
    throw new InvalidArgumentError(
      "temperature",
      `${preset.title} takes a temperature from 0 to ${max} (got ${temperature})`,
    );
}

const NINE = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A tool-call id as Mistral takes it (9 letters and digits): kept when it is one, else derived, the same every time. */
export function nineCharId(id: string): string {
  if (NINE.test(id)) return id;
  const digest = createHash("sha256").update(id).digest();
  let out = "";
  for (let index = 0; index < 9; index += 1) out += ALPHABET[digest[index]! % ALPHABET.length];
  return out;
}

/**
 * Adjusts a built request for its preset's server. Pure: the caller's messages are not changed.
 * Tool-call ids Mistral would refuse are mapped (consistently in calls and results); Gemini's
 * thought signatures go back on their calls as `extra_content.google.thought_signature`.
 */
export function applyPresetToRequest(
  payload: WireChatRequest,
  messages: readonly ChatMessage[],
  preset: OpenAIPreset,
): void {
  if (!preset.nine_char_tool_ids && !preset.thought_signatures) return;
  payload.messages = payload.messages.map((wire: WireMessage, index) => {
    if (wire.role === "tool" && preset.nine_char_tool_ids)
      return { ...wire, tool_call_id: nineCharId(wire.tool_call_id) };
    if (wire.role !== "assistant") return wire;
    const textSignature = preset.thought_signatures ? messages[index]?.thought_signature : undefined;
    const signed =
      typeof textSignature === "string" && textSignature !== ""
        ? { ...wire, extra_content: { google: { thought_signature: textSignature } } }
        : wire;
    if (signed.tool_calls === undefined) return signed;
    const given = messages[index]?.tool_calls ?? [];
    const tool_calls = signed.tool_calls.map((call, at) => {
      const signature = (given[at] as DirectorToolCallInput | undefined)?.thought_signature;
      return {
        ...call,
        ...(preset.nine_char_tool_ids ? { id: nineCharId(call.id) } : {}),
        ...(preset.thought_signatures && typeof signature === "string" && signature !== ""
          ? { extra_content: { google: { thought_signature: signature } } }
          : {}),
      };
    });
    return { ...signed, tool_calls };
  });
}

const THINK = /<think>([\s\S]*?)(?:<\/think>\s*|$)/g;

/** A response whose content carried `<think>...</think>` (MiniMax), with that text moved to `reasoning`. */
export function moveThinkTags(response: LLMResponse): LLMResponse {
  if (!response.content.includes("<think>")) return response;
  let reasoning = "";
  const content = response.content
    .replace(THINK, (_match, thought: string) => {
      reasoning += thought;
      return "";
    })
    .trim();
  response.content = content;
  response.reasoning = `${response.reasoning}${reasoning}`;
  return response;
}

/**
 * A stream assembler whose text parts inside `<think>...</think>` come out as `reasoning-delta`
 * parts (tags split across chunks included), and whose response has the tags moved too.
 */
export function thinkTagAssembler(inner: StreamAssembler): StreamAssembler {
  let inside = false;
  /** Text held back because it may be the start of a tag. */
  let held = "";
  const route = (text: string, emit: (part: StreamPart) => void) => {
    let rest = held + text;
    held = "";
    while (rest !== "") {
      const tag = inside ? "</think>" : "<think>";
      const at = rest.indexOf(tag);
      if (at >= 0) {
        if (at > 0) emit({ type: inside ? "reasoning-delta" : "text-delta", text: rest.slice(0, at) });
        rest = rest.slice(at + tag.length);
        inside = !inside;
        continue;
      }
      // Keep back a tail that could be the beginning of the tag.
      let keep = 0;
      for (let length = Math.min(tag.length - 1, rest.length); length > 0; length -= 1)
        if (tag.startsWith(rest.slice(rest.length - length))) {
          keep = length;
          break;
        }
      const out = rest.slice(0, rest.length - keep);
      if (out !== "") emit({ type: inside ? "reasoning-delta" : "text-delta", text: out });
      held = rest.slice(rest.length - keep);
      rest = "";
    }
  };
  return {
    push(event, emit) {
      inner.push(event, (part) => (part.type === "text-delta" ? route(part.text, emit) : emit(part)));
    },
    finish: () => moveThinkTags(inner.finish()),
    partial: (error) => moveThinkTags(inner.partial(error)),
    get complete() {
      return inner.complete === true;
    },
  };
}
