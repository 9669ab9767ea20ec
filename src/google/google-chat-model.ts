/**
 * Gemini models director-llm knows: Director's ids plus the current families. Any other model id
 * is accepted too (a `-001` or `-preview-MM-YYYY` snapshot resolves to its family).
 */
export const GoogleChatModel = {
  GEMINI_1_5_FLASH: "gemini-1.5-flash",
  GEMINI_1_5_FLASH_0_0_2: "gemini-1.5-flash-002",
  GEMINI_1_5_PRO: "gemini-1.5-pro",
  GEMINI_1_5_PRO_0_0_2: "gemini-1.5-pro-002",
  GEMINI_2_0_FLASH: "gemini-2.0-flash",
  GEMINI_2_0_FLASH_0_0_1: "gemini-2.0-flash-001",
  GEMINI_2_0_FLASH_LITE: "gemini-2.0-flash-lite",
  GEMINI_2_5_FLASH: "gemini-2.5-flash",
  GEMINI_2_5_FLASH_LITE: "gemini-2.5-flash-lite",
  GEMINI_2_5_PRO: "gemini-2.5-pro",
  GEMINI_3_FLASH_PREVIEW: "gemini-3-flash-preview",
  GEMINI_3_PRO_PREVIEW: "gemini-3-pro-preview",
  GEMINI_3_1_PRO_PREVIEW: "gemini-3.1-pro-preview",
} as const;
export type GoogleChatModel = (typeof GoogleChatModel)[keyof typeof GoogleChatModel];

/**
 * The default model: Director's `gemini-1.5-pro-002` (and `gemini-1.5-flash`) are retired, so the
 * current stable Flash.
 */
export const DEFAULT_GOOGLE_MODEL: GoogleChatModel = GoogleChatModel.GEMINI_2_5_FLASH;

/** How a model is told to think: a level (3.x), a token budget (2.5), or not at all (older). */
export type GeminiThinking = "level" | "budget" | false;

/** What is known of a Gemini model. */
export interface GoogleModelInfo {
  id: GoogleChatModel;
  /** Input tokens the model accepts. */
  context_window: number;
  max_output_tokens: number;
  thinking: GeminiThinking;
  /** Retired by Google: calls answer 404. Kept so Director's ids still resolve. */
  retired: boolean;
}

const table: Array<[GoogleChatModel, number, number, GeminiThinking, boolean]> = [
  ["gemini-1.5-flash", 1_048_576, 8_192, false, true],
  ["gemini-1.5-flash-002", 1_048_576, 8_192, false, true],
  ["gemini-1.5-pro", 2_097_152, 8_192, false, true],
  ["gemini-1.5-pro-002", 2_097_152, 8_192, false, true],
  ["gemini-2.0-flash", 1_048_576, 8_192, false, false],
  ["gemini-2.0-flash-001", 1_048_576, 8_192, false, false],
  ["gemini-2.0-flash-lite", 1_048_576, 8_192, false, false],
  ["gemini-2.5-flash", 1_048_576, 65_536, "budget", false],
  ["gemini-2.5-flash-lite", 1_048_576, 65_536, "budget", false],
  ["gemini-2.5-pro", 1_048_576, 65_536, "budget", false],
  ["gemini-3-flash-preview", 1_048_576, 65_536, "level", false],
  ["gemini-3-pro-preview", 1_048_576, 65_536, "level", false],
  ["gemini-3.1-pro-preview", 1_048_576, 65_536, "level", false],
];

/** Every known Gemini model, keyed by id. */
export const GOOGLE_MODELS: Readonly<Record<GoogleChatModel, Readonly<GoogleModelInfo>>> = Object.freeze(
  Object.fromEntries(
    table.map(([id, context_window, max_output_tokens, thinking, retired]) => [
      id,
      Object.freeze({ id, context_window, max_output_tokens, thinking, retired }),
    ]),
  ) as Record<GoogleChatModel, GoogleModelInfo>,
);

const resolved = new Map<string, Readonly<GoogleModelInfo> | undefined>(Object.entries(GOOGLE_MODELS));
const MOST_RESOLVED = resolved.size + 256;

/**
 * The known model an id names: exact ids first, then (for `models/...` names, snapshots such as
 * `gemini-2.5-flash-preview-09-2025` or `-001`) the longest known id it starts with.
 */
export function getGoogleModelInfo(model: string): Readonly<GoogleModelInfo> | undefined {
  if (resolved.has(model)) return resolved.get(model);
  const bare = model.startsWith("models/") ? model.slice("models/".length) : model;
  let best: Readonly<GoogleModelInfo> | undefined;
  for (const info of Object.values(GOOGLE_MODELS) as Readonly<GoogleModelInfo>[])
    if (bare.startsWith(`${info.id}-`) || bare === info.id)
      if (best === undefined || info.id.length > best.id.length) best = info;
  if (resolved.size < MOST_RESOLVED) resolved.set(model, best);
  return best;
}

/** How a model thinks, for ids not in the table too (by family name). */
export function geminiThinkingOf(model: string): GeminiThinking | undefined {
  const info = getGoogleModelInfo(model);
  if (info !== undefined) return info.thinking;
  if (/gemini-[3-9]/.test(model)) return "level";
  if (/gemini-2\.5/.test(model)) return "budget";
  return undefined;
}
