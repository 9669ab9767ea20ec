// One adapter per client under test, each with its default settings: `call` sends one chat
// completion; `stream` reads one streamed answer and reports its chunk count and time to first chunk.
import { GEMINI_CLIENTS } from "./gemini-clients.mjs";

const MODEL = "gpt-4o-mini";

/**
 * The raw clients' SSE reading: each event's text (blank-line separated), as bytes arrive. The
 * body is decoded by Node's own `setEncoding("utf8")` (a StringDecoder), the fastest way measured:
 * a streaming `TextDecoder` made the floor about 12% slower per 200-chunk stream.
 */
async function forEachEvent(body, onEvent) {
  body.setEncoding("utf8");
  let buffer = "";
  for await (const text of body) {
    buffer += text;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      onEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  }
}

/** Raw undici `request` on a keep-alive Agent: the second reference row. */
async function undiciClient(base, key) {
  const { Agent, request } = await import("undici");
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const url = `${base}/chat/completions`;
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
  return {
    async call(messages) {
      const response = await request(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: MODEL, messages }),
        dispatcher,
      });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      return body.choices[0].message.content;
    },
    async stream(messages, onChunk) {
      const response = await request(url, {
        method: "POST",
        headers,
        body: JSON.stringify({
          model: MODEL,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
        dispatcher,
      });
      await forEachEvent(response.body, (event) => {
        if (event.startsWith("data: ") && event !== "data: [DONE]") {
          const chunk = JSON.parse(event.slice(6));
          if (chunk.choices[0]?.delta?.content) onChunk();
        }
      });
    },
  };
}

/**
 * undici's fastest documented path: a `Pool` for the one origin with a connection per concurrent
 * request (64, the concurrent scenario's width), `pool.request({ path })`, the JSON body parsed.
 * The floor every ratio is taken against.
 */
async function undiciPoolClient(base, key) {
  const { Pool } = await import("undici");
  const url = new URL(`${base}/chat/completions`);
  const pool = new Pool(url.origin, { connections: 64, keepAliveTimeout: 10_000 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
  const path = url.pathname;
  return {
    async call(messages) {
      const response = await pool.request({
        method: "POST",
        path,
        headers,
        body: JSON.stringify({ model: MODEL, messages }),
      });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      return body.choices[0].message.content;
    },
    async stream(messages, onChunk) {
      const response = await pool.request({
        method: "POST",
        path,
        headers,
        body: JSON.stringify({
          model: MODEL,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      await forEachEvent(response.body, (event) => {
        if (event.startsWith("data: ") && event !== "data: [DONE]") {
          const chunk = JSON.parse(event.slice(6));
          if (chunk.choices[0]?.delta?.content) onChunk();
        }
      });
    },
  };
}

/** Node's global fetch: the other floor. */
async function fetchClient(base, key) {
  const url = `${base}/chat/completions`;
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
  return {
    async call(messages) {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: MODEL, messages }),
      });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      return body.choices[0].message.content;
    },
    stream: undefined,
  };
}

/**
 * director-llm's `OpenAI`. It streams with `for_each` (a callback per part, its cheapest way to
 * read a stream, as the raw clients read theirs with a callback per event); `director-llm (for
 * await)` reads the same stream part by part with `for await`, as the peers' adapters do.
 */
async function directorClient(base, key, { iterate = false } = {}) {
  const { OpenAI } = await import("director-llm");
  const llm = new OpenAI({ api_key: key, api_base: base, chat_model: MODEL });
  return {
    async call(messages) {
      const response = await llm.chat_completions(messages);
      if (response.error) throw response.error;
      return response.content;
    },
    async stream(messages, onChunk) {
      const stream = llm.stream_chat_completions(messages);
      let response;
      if (iterate) {
        for await (const part of stream) if (part.type === "text-delta") onChunk();
        response = await stream.response;
      } else {
        response = await stream.for_each((part) => {
          if (part.type === "text-delta") onChunk();
        });
      }
      if (response.error) throw response.error;
    },
  };
}

async function openaiClient(base, key) {
  const { default: OpenAI } = await import("openai");
  const client = new OpenAI({ apiKey: key, baseURL: base });
  return {
    async call(messages) {
      const completion = await client.chat.completions.create({ model: MODEL, messages });
      return completion.choices[0].message.content;
    },
    async stream(messages, onChunk) {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) onChunk();
    },
  };
}

async function vercelClient(base, key) {
  const { createOpenAI } = await import("@ai-sdk/openai");
  const { generateText, streamText } = await import("ai");
  const model = createOpenAI({ apiKey: key, baseURL: base }).chat(MODEL);
  return {
    async call(messages) {
      return (await generateText({ model, messages })).text;
    },
    async stream(messages, onChunk) {
      let failure;
      const result = streamText({ model, messages, onError: ({ error }) => (failure = error) });
      for await (const text of result.textStream) if (text) onChunk();
      if (failure) throw failure;
    },
  };
}

async function langchainClient(base, key) {
  const { ChatOpenAI } = await import("@langchain/openai");
  const model = new ChatOpenAI({ apiKey: key, model: MODEL, configuration: { baseURL: base } });
  return {
    async call(messages) {
      return (await model.invoke(messages.map((message) => [message.role, message.content]))).content;
    },
    async stream(messages, onChunk) {
      for await (const chunk of await model.stream(
        messages.map((message) => [message.role, message.content]),
      )) {
        if (chunk.content) onChunk();
      }
    },
  };
}

/**
 * Raw undici on the Anthropic-shaped endpoint. `pool`: a `Pool` for the origin with a connection
 * per concurrent request and `pool.request({ path })`, undici's fastest path and the floor of the
 * Claude scenarios; otherwise `request(url)` on a keep-alive `Agent`, the second reference row.
 */
async function claudeUndiciClient(base, key, { pool = false } = {}) {
  const undici = await import("undici");
  const url = new URL(`${base}/messages`);
  const dispatcher = pool
    ? new undici.Pool(url.origin, { connections: 64, keepAliveTimeout: 10_000 })
    : new undici.Agent({ keepAliveTimeout: 10_000 });
  const headers = { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" };
  const send = (body) =>
    pool
      ? dispatcher.request({ method: "POST", path: url.pathname, headers, body })
      : undici.request(url, { method: "POST", headers, body, dispatcher });
  return {
    async call(messages) {
      const response = await send(JSON.stringify({ model: CLAUDE, max_tokens: 1024, messages }));
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      return body.content[0].text;
    },
    async stream(messages, onChunk) {
      const response = await send(
        JSON.stringify({ model: CLAUDE, max_tokens: 1024, messages, stream: true }),
      );
      await forEachEvent(response.body, (event) => {
        const data = event.slice(event.indexOf("data: ") + 6);
        if (event.startsWith("event: content_block_delta") && JSON.parse(data).delta.text) onChunk();
      });
    },
  };
}

/** director-llm's `AnthropicAI`, streaming with `for_each` as the OpenAI client does. */
async function claudeDirectorClient(base, key) {
  const { AnthropicAI } = await import("director-llm");
  const llm = new AnthropicAI({ api_key: key, api_base: base, chat_model: CLAUDE, max_tokens: 1024 });
  return {
    async call(messages) {
      const response = await llm.chat_completions(messages);
      if (response.error) throw response.error;
      return response.content;
    },
    async stream(messages, onChunk) {
      const response = await llm.stream_chat_completions(messages).for_each((part) => {
        if (part.type === "text-delta") onChunk();
      });
      if (response.error) throw response.error;
    },
  };
}

async function claudeSdkClient(base, key) {
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  const client = new Anthropic({ apiKey: key, baseURL: base.replace(/\/v1$/, "") });
  return {
    async call(messages) {
      const message = await client.messages.create({ model: CLAUDE, max_tokens: 1024, messages });
      return message.content[0].text;
    },
    async stream(messages, onChunk) {
      const stream = await client.messages.create({
        model: CLAUDE,
        max_tokens: 1024,
        messages,
        stream: true,
      });
      for await (const event of stream)
        if (event.type === "content_block_delta" && event.delta.text) onChunk();
    },
  };
}

async function claudeVercelClient(base, key) {
  const { createAnthropic } = await import("@ai-sdk/anthropic");
  const { generateText, streamText } = await import("ai");
  const model = createAnthropic({ apiKey: key, baseURL: base })(CLAUDE);
  return {
    async call(messages) {
      return (await generateText({ model, messages, maxOutputTokens: 1024 })).text;
    },
    async stream(messages, onChunk) {
      let failure;
      const result = streamText({
        model,
        messages,
        maxOutputTokens: 1024,
        onError: ({ error }) => (failure = error),
      });
      for await (const text of result.textStream) if (text) onChunk();
      if (failure) throw failure;
    },
  };
}

const CLAUDE = "claude-haiku-4-5";

export const CLIENTS = {
  ...GEMINI_CLIENTS,
  "claude:undici-pool": (base, key) => claudeUndiciClient(base, key, { pool: true }),
  "claude:undici": claudeUndiciClient,
  "claude:director-llm": claudeDirectorClient,
  "claude:anthropic-sdk": claudeSdkClient,
  "claude:ai-sdk": claudeVercelClient,
  "undici-pool": undiciPoolClient,
  undici: undiciClient,
  fetch: fetchClient,
  "director-llm": directorClient,
  "director-llm (for await)": (base, key) => directorClient(base, key, { iterate: true }),
  openai: openaiClient,
  "ai-sdk": vercelClient,
  langchain: langchainClient,
};

/** What `import` and construction of each client costs in a fresh process (cold start). */
export const COLD_START = {
  "director-llm": `const { OpenAI } = await import("director-llm"); new OpenAI({ api_key: "sk-x", api_base: "http://127.0.0.1:9/v1" });`,
  openai: `const { default: OpenAI } = await import("openai"); new OpenAI({ apiKey: "sk-x", baseURL: "http://127.0.0.1:9/v1" });`,
  "ai-sdk": `const { createOpenAI } = await import("@ai-sdk/openai"); await import("ai"); createOpenAI({ apiKey: "sk-x", baseURL: "http://127.0.0.1:9/v1" }).chat("gpt-4o-mini");`,
  langchain: `const { ChatOpenAI } = await import("@langchain/openai"); new ChatOpenAI({ apiKey: "sk-x", model: "gpt-4o-mini", configuration: { baseURL: "http://127.0.0.1:9/v1" } });`,
};
