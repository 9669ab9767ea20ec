export { BaseLLMConfig } from "./core/base-llm-config.js";
export type { BaseLLMConfigOptions, FixedRateLimit, RetryBackoff } from "./core/base-llm-config.js";
export type {
  ChatCompletionOptions,
  ChatCompletionOptionsInput,
  ReasoningEffort,
  ServiceTier,
  Verbosity,
} from "./core/chat-options.js";
export { LLMError } from "./core/llm-error.js";
export type { LLMErrorInit, LLMErrorKind } from "./core/llm-error.js";
export { LLMResponse, LLMResponseStatus, NO_USAGE_WARNING } from "./core/llm-response.js";
export type {
  FailedLLMResponse,
  LLMResponseInit,
  Logprobs,
  SuccessfulLLMResponse,
  TokenLogprob,
} from "./core/llm-response.js";
export type * from "./core/messages.js";
export { ConfigError, InvalidArgumentError } from "./core/usage-errors.js";
export { BaseLLM } from "./llm/base-llm.js";
export { OpenAI } from "./openai/openai.js";
export { OPENAI_MODELS, OpenAIChatModel, getModelInfo } from "./openai/openai-chat-model.js";
export type { ModelInfo } from "./openai/openai-chat-model.js";
export { OPENAI_ENV_NAMES, OpenAIConfig, OpenAIConfig as OpenaiConfig } from "./openai/openai-config.js";
export type { OpenAIConfigOptions } from "./openai/openai-config.js";
export type { StreamPart } from "./core/stream-part.js";
export { ChatStream } from "./llm/chat-stream.js";
export type { LLMUsage } from "./llm/usage-meter.js";
export { OPENAI_PRICES, PRICES_AS_OF } from "./openai/openai-prices.js";
export type { ModelPrice } from "./openai/openai-prices.js";
export type { OpenStream, PreparedRequest, SendContext, StreamAssembler } from "./llm/base-llm.js";
/** The type of `SendContext.signal`: a caller's `AbortSignal`, or the library's own abort of a stream. */
export type { CallSignal } from "./core/call-abort.js";
export { AnthropicAI, ANTHROPIC_VERSION } from "./anthropic/anthropic-ai.js";
export {
  ANTHROPIC_MODELS,
  AnthropicChatModel,
  getAnthropicModelInfo,
} from "./anthropic/anthropic-chat-model.js";
export type { AnthropicModelInfo } from "./anthropic/anthropic-chat-model.js";
export { ANTHROPIC_ENV_NAMES, AnthropicAIConfig } from "./anthropic/anthropic-config.js";
export type { AnthropicAIConfigOptions } from "./anthropic/anthropic-config.js";
export { ANTHROPIC_PRICES, ANTHROPIC_PRICES_AS_OF } from "./anthropic/anthropic-prices.js";
export type { AnthropicPrice } from "./anthropic/anthropic-prices.js";
export type {
  RunnableTool,
  RunToolsOptions,
  RunToolsResult,
  ToolCallRecord,
  ToolContext,
  ToolRunPart,
  ToolRunStream,
  ToolStep,
} from "./tools/runnable-tool.js";
export type { StandardSchemaV1 } from "./schema/tool-schema.js";
export { defineTool } from "./tools/run-tools.js";
export { GoogleAI } from "./google/google-ai.js";
export { GeminiFiles } from "./google/gemini-files.js";
export { OpenAIFiles } from "./openai/openai-files.js";
export type { MediaDownload } from "./llm/inline-media.js";
export type { OpenAIUploadOptions } from "./openai/openai-files.js";
export type { UploadedFile } from "./core/uploaded-file.js";
export type {
  UploadOptions,
  UploadProgress,
  UploadSource,
  WaitOptions,
} from "./google/gemini-files.js";
export {
  DEFAULT_GOOGLE_MODEL,
  GOOGLE_MODELS,
  GoogleChatModel,
  getGoogleModelInfo,
} from "./google/google-chat-model.js";
export type { GeminiThinking, GoogleModelInfo } from "./google/google-chat-model.js";
export { GOOGLE_API_BASE, GOOGLE_ENV_NAMES, GoogleAIConfig } from "./google/google-ai-config.js";
export type { GoogleAIConfigOptions } from "./google/google-ai-config.js";
export { GOOGLE_PRICES, GOOGLE_PRICES_AS_OF } from "./google/google-prices.js";
export type { GooglePrice } from "./google/google-prices.js";
export { OPENAI_PRESETS } from "./openai/openai-presets.js";
export type { OpenAIPreset, OpenAIPresetName, PresetModel } from "./openai/openai-presets.js";
export { OpenAIPresetConfig } from "./openai/openai-preset-config.js";
export {
  Cerebras,
  DeepSeek,
  Evolink,
  Fireworks,
  GoogleOpenAI,
  Groq,
  LiteLLM,
  LlamaCpp,
  LMStudio,
  MiniMax,
  MistralAI,
  Ollama,
  OpenRouter,
  Together,
  VideoDBProxy,
  VideoDBProxyConfig,
  VLLM,
  XAI,
} from "./openai/openai-preset-clients.js";
export type { OpenAIPresetClient } from "./openai/openai-preset-clients.js";
export {
  get_llm,
  LLMType,
  PROVIDER_NAMES,
  parseModelString,
} from "./registry/get-llm.js";
export { DEFAULT_LLM_VARIABLES, get_default_llm } from "./registry/default-llm.js";
export { FALL_BACK_ON, FallbackLLM } from "./registry/fallback-llm.js";
export type { FallbackMember, FallbackOptions } from "./registry/fallback-llm.js";
export type { Capability } from "./registry/request-needs.js";
export type { FallbackFailure } from "./core/llm-response.js";
export { connect_mcp, McpServerConnection, mcpResult } from "./mcp/connect-mcp.js";
export type { McpConnectOptions, McpTool, McpToolFilter } from "./mcp/connect-mcp.js";
export { describeMedia, isToolResultParts, tool_result_parts } from "./core/tool-result-parts.js";
export type { ToolResultParts } from "./core/tool-result-parts.js";
