import type { BaseLLMConfig } from "../core/base-llm-config.js";
import { endpointUrl, USER_AGENT } from "../transport/endpoint-url.js";
import { isRecord } from "../core/is-record.js";
import { LLMError } from "../core/llm-error.js";
import { type PostRequest, postJson } from "../transport/post-request.js";
import { BaseLLM } from "./base-llm.js";
import type { PreparedRequest, SendContext } from "./prepared-request.js";
import type { FilesEndpoint } from "./files-request.js";
import { providerPost } from "./provider-request.js";

/** Where a provider's requests go, and the headers every one of them carries. */
export interface ProviderEndpoint {
  /** `https://host:port` */
  origin: string;
  /** The path of `api_base`, without a trailing slash (`/v1`). */
  basePath: string;
  /** The query string of `api_base` (Azure's `api-version=...`), without `?`; `""` when none. */
  query: string;
  /** Headers of a buffered call and of a stream, built once rather than per request. */
  jsonHeaders: Readonly<Record<string, string>>;
  streamHeaders: Readonly<Record<string, string>>;
  /** Texts removed from every error message: the key and the configured header values. */
  secrets: readonly string[];
}

/**
 * What every HTTP provider's class repeats, once: its endpoint from `api_base`, its headers (JSON,
 * user agent, the config's `headers`, the provider's own, then its auth, which nothing overrides),
 * and one attempt's POST. A provider adds only its wire mapping.
 */
export abstract class HttpProvider extends BaseLLM {
  protected readonly endpoint: ProviderEndpoint;

  constructor(
    config: BaseLLMConfig,
    options: { auth: Record<string, string>; headers?: Record<string, string> },
  ) {
    super(config);
    const url = endpointUrl(config.api_base, "");
    const headers = {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      ...options.headers,
      ...config.headers,
      ...options.auth,
    };
    this.endpoint = {
      origin: url.origin,
      basePath: url.pathname.replace(/\/+$/, ""),
      query: url.search.replace(/^\?/, ""),
      jsonHeaders: { ...headers, accept: "application/json" },
      streamHeaders: { ...headers, accept: "text/event-stream" },
      secrets: config.secrets,
    };
  }

  /** Where this provider's Files API requests go: its endpoint, key, `timeout`, retries and limits. */
  protected filesEndpoint(): FilesEndpoint {
    return {
      origin: this.endpoint.origin,
      basePath: this.endpoint.basePath,
      headers: this.endpoint.jsonHeaders,
      secrets: this.endpoint.secrets,
      timeoutMs: Math.round(this.config.timeout * 1000),
      maxRetries: this.config.max_retries,
      backoff: this.config.retry,
      maxResponseBytes: this.config.max_response_bytes,
    };
  }

  /** The full request path of `path` after `api_base`'s path, with `api_base`'s query kept and `query` added. */
  protected pathOf(path: string, query = ""): string {
    const search = [this.endpoint.query, query].filter((part) => part !== "").join("&");
    return `${this.endpoint.basePath}${path}${search === "" ? "" : `?${search}`}`;
  }

  /** One attempt's POST to a full path (see {@link pathOf}), with the JSON or the stream headers. */
  protected post(
    prepared: PreparedRequest,
    context: SendContext,
    path: string,
    stream: boolean,
  ): PostRequest {
    const { origin, jsonHeaders, streamHeaders, secrets } = this.endpoint;
    return providerPost({
      origin,
      path,
      headers: stream ? streamHeaders : jsonHeaders,
      secrets,
      maxResponseBytes: this.config.max_response_bytes,
      prepared,
      context,
    });
  }

  /**
   * One request outside the call machinery (no pacing, no retries), for a provider's side APIs
   * such as exact token counting: POSTs `body` to `path` and resolves with the number at `field`
   * of the answer; a failure is the classified {@link LLMError}, an answer without it `invalid_response`.
   */
  protected async postForNumber(
    path: string,
    body: unknown,
    field: string,
    options: { signal?: AbortSignal | undefined; timeout?: number | undefined },
  ): Promise<number> {
    const response = await postJson({
      origin: this.endpoint.origin,
      path,
      headers: this.endpoint.jsonHeaders,
      body: JSON.stringify(body),
      timeoutMs: Math.round((options.timeout ?? this.config.timeout) * 1000),
      timeoutLabel: "timeout",
      signal: options.signal,
      maxResponseBytes: this.config.max_response_bytes,
      secrets: this.endpoint.secrets,
    } as PostRequest);
    const value = isRecord(response.body) ? response.body[field] : undefined;
    if (typeof value !== "number")
      throw new LLMError({
        kind: "invalid_response",
        message: `the answer has no ${field}`,
        status_code: 200,
      });
    return value;
  }
}
