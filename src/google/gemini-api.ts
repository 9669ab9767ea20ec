/**
 * The parts of Gemini's `generateContent` wire format that director-llm writes and reads
 * (`v1beta`). Loose where the API is: unknown fields are kept and passed on as they are.
 */

/** One part of a turn: text (a thought summary when `thought`), a function call or response, or media. */
export interface GeminiPart {
  text?: string;
  /** `true` on a thought summary (asked for with `includeThoughts`): reasoning, not the answer. */
  thought?: boolean;
  /** Opaque; must go back on the same part of the next request (Gemini 3 refuses a tool turn without it). */
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  [key: string]: unknown;
}

/** A turn: `user` (tool results included) or `model`. */
export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** A JSON Schema (the `parameters` field takes only an OpenAPI subset). */
  parametersJsonSchema?: Record<string, unknown>;
}

export interface GeminiThinkingConfig {
  thinkingLevel?: string;
  thinkingBudget?: number;
  includeThoughts?: boolean;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
  responseLogprobs?: boolean;
  logprobs?: number;
  thinkingConfig?: GeminiThinkingConfig;
  [key: string]: unknown;
}

/** The body of `models/{model}:generateContent` (the model is in the URL, not the body). */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: string[] } };
  generationConfig: GeminiGenerationConfig;
  [key: string]: unknown;
}

export interface GeminiUsage {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
  serviceTier?: string;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

/** A `generateContent` answer, and each event of a `streamGenerateContent?alt=sse` stream. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
}
