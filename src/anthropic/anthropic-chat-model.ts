/**
 * Claude models director-llm knows: Director's four ids plus the current families. Any other model
 * id is accepted too. Dated snapshots (`claude-sonnet-4-5-20250929`) and `-latest` aliases resolve to
 * their family.
 */
export const AnthropicChatModel = {
  CLAUDE_3_HAIKU: "claude-3-haiku-20240307",
  CLAUDE_3_OPUS: "claude-3-opus-20240229",
  CLAUDE_3_5_SONNET: "claude-3-5-sonnet-20240620",
  CLAUDE_3_5_SONNET_LATEST: "claude-3-5-sonnet-20241022",
  CLAUDE_3_5_HAIKU: "claude-3-5-haiku",
  CLAUDE_3_7_SONNET: "claude-3-7-sonnet",
  CLAUDE_SONNET_4: "claude-sonnet-4",
  CLAUDE_OPUS_4: "claude-opus-4",
  CLAUDE_OPUS_4_1: "claude-opus-4-1",
  CLAUDE_SONNET_4_5: "claude-sonnet-4-5",
  CLAUDE_HAIKU_4_5: "claude-haiku-4-5",
  CLAUDE_OPUS_4_5: "claude-opus-4-5",
  CLAUDE_SONNET_4_6: "claude-sonnet-4-6",
} as const;
export type AnthropicChatModel = (typeof AnthropicChatModel)[keyof typeof AnthropicChatModel];

/** The default model (Director's `claude-3-5-sonnet-20240620` is retired). */
export const DEFAULT_ANTHROPIC_MODEL: AnthropicChatModel = AnthropicChatModel.CLAUDE_SONNET_4_5;

/** What is known of a Claude model. */
export interface AnthropicModelInfo {
  id: AnthropicChatModel;
  /** Context window in tokens (prompt plus output). */
  context_window: number;
  max_output_tokens: number;
  /** Whether the model takes `temperature` and `top_p` together (models from Claude 4.5 on refuse both). */
  sampling_pair: boolean;
  /** Whether extended thinking is available. */
  thinking: boolean;
}

const table: Array<[AnthropicChatModel, number, boolean, boolean]> = [
  ["claude-3-haiku-20240307", 4_096, true, false],
  ["claude-3-opus-20240229", 4_096, true, false],
  ["claude-3-5-sonnet-20240620", 8_192, true, false],
  ["claude-3-5-sonnet-20241022", 8_192, true, false],
  ["claude-3-5-haiku", 8_192, true, false],
  ["claude-3-7-sonnet", 64_000, true, true],
  ["claude-sonnet-4", 64_000, true, true],
  ["claude-opus-4", 32_000, true, true],
  ["claude-opus-4-1", 32_000, false, true],
  ["claude-sonnet-4-5", 64_000, false, true],
  ["claude-haiku-4-5", 64_000, false, true],
  ["claude-opus-4-5", 64_000, false, true],
  ["claude-sonnet-4-6", 64_000, false, true],
];

/** Every known Claude model, keyed by id; all have a 200,000-token context window. */
export const ANTHROPIC_MODELS: Readonly<Record<AnthropicChatModel, Readonly<AnthropicModelInfo>>> =
  Object.freeze(
    Object.fromEntries(
      table.map(([id, max_output_tokens, sampling_pair, thinking]) => [
        id,
        Object.freeze({ id, context_window: 200_000, max_output_tokens, sampling_pair, thinking }),
      ]),
    ) as Record<AnthropicChatModel, AnthropicModelInfo>,
  );

/** Families whose table entries are dated ids: their aliases (`claude-3-5-sonnet-latest`) resolve to the newest. */
const FAMILY_ALIASES: Readonly<Record<string, AnthropicChatModel>> = {
  "claude-3-haiku": "claude-3-haiku-20240307",
  "claude-3-opus": "claude-3-opus-20240229",
  "claude-3-5-sonnet": "claude-3-5-sonnet-20241022",
};

/** Every model id a call may name, resolved once: the known ids, then other ids as they are asked (at most 256). */
const resolved = new Map<string, Readonly<AnthropicModelInfo> | undefined>(Object.entries(ANTHROPIC_MODELS));
const MOST_RESOLVED = resolved.size + 256;

/**
 * The known model an id names: exact ids first, then the family of a dated or `-latest` id.
 * Looked up on every call, so each id is resolved once (an id such as `constructor` is unknown).
 */
export function getAnthropicModelInfo(model: string): Readonly<AnthropicModelInfo> | undefined {
  if (resolved.has(model)) return resolved.get(model);
  const family = model.replace(/-(\d{8}|latest)$/, "");
  const alias = Object.hasOwn(FAMILY_ALIASES, family) ? FAMILY_ALIASES[family] : undefined;
  const info = resolved.get(family) ?? (alias === undefined ? undefined : resolved.get(alias));
  if (resolved.size < MOST_RESOLVED) resolved.set(model, info);
  return info;
}
