import { LLMError } from "../core/llm-error.js";
import { hasExactTokenizer, upperBoundTokens } from "./count-openai-tokens.js";
import { getModelInfo } from "./openai-chat-model.js";
import type { WireChatRequest } from "./openai-chat-api.js";

/**
 * Checks a known model's context window before anything is sent: a prompt that alone does not fit
 * fails as `context_length_exceeded`; one that fits but leaves less room than the output budget
 * gets the budget lowered (in `payload`), with a warning. Cheap for most requests (an upper bound
 * shows they are far from the limit). Only an exact count refuses or shrinks: without the
 * optional `gpt-tokenizer` the counts are estimates, and the request goes as it is (the server
 * then decides). `undefined` when the upper bound settled it (no count, no promise).
 */
export function fitContextWindow(options: {
  payload: WireChatRequest;
  /** Counts the prompt, stopping once the count passes `limit`. */
  promptTokens: (limit: number) => Promise<number>;
  warnings: string[];
}): Promise<void> | undefined {
  const { payload } = options;
  const info = getModelInfo(payload.model);
  if (info === undefined) return undefined;
  const key = payload.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens";
  const budget = payload[key] ?? 0;
  const inputLimit = info.max_input_tokens ?? info.context_window;
  const bound = upperBoundTokens(payload);
  if (bound + budget <= info.context_window && bound <= inputLimit) return undefined;
  if (!hasExactTokenizer()) return undefined;
  return fitExactly(options, { key, budget, inputLimit, contextWindow: info.context_window });
}

/** The exact check, for a prompt the upper bound could not clear. */
async function fitExactly(
  options: { payload: WireChatRequest; promptTokens: (limit: number) => Promise<number>; warnings: string[] },
  fit: {
    key: "max_tokens" | "max_completion_tokens";
    budget: number;
    inputLimit: number;
    contextWindow: number;
  },
): Promise<void> {
  const { payload, warnings } = options;
  const { key, budget, inputLimit, contextWindow } = fit;
  const most = Math.min(inputLimit, contextWindow - 1);
  const prompt = await options.promptTokens(most);
  if (prompt > inputLimit || prompt >= contextWindow) {
    const limit =
      prompt > inputLimit && inputLimit < contextWindow
        ? `maximum prompt length is ${inputLimit}`
        : `maximum context length is ${contextWindow}`;
    throw new LLMError({
      kind: "context_length_exceeded",
      message: `This model's ${limit} tokens. However, your messages resulted in more than ${most} tokens (counted exactly before sending, up to the limit; nothing was sent).`,
      code: "context_length_exceeded",
    });
  }
  if (prompt + budget > contextWindow) {
    const lowered = contextWindow - prompt;
    payload[key] = lowered;
    warnings.push(
      `${key} lowered from ${budget} to ${lowered} so that the ${prompt}-token prompt fits ${payload.model}'s ${contextWindow}-token context window`,
    );
  }
}
