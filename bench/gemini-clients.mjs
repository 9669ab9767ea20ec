// The Gemini scenarios' clients: raw undici (a `Pool`, the floor), director-llm's `GoogleAI`,
// Google's own @google/genai SDK and the AI SDK's @ai-sdk/google, each with its default
// settings, on the bench server's Gemini-shaped endpoint. `base` is `http://host:port/gemini`.
const GEMINI = "gemini-2.5-flash";

const contentsOf = (messages) =>
  messages.map((message) => ({ role: "user", parts: [{ text: message.content }] }));

/**
 * Raw undici on a `Pool` with a connection per concurrent request: the floor. Events are read as
 * the other floors read them (`setEncoding("utf8")`, split at the blank line, CRLF here).
 */
async function geminiUndiciClient(base, key) {
  const undici = await import("undici");
  const url = new URL(base);
  const pool = new undici.Pool(url.origin, { connections: 64, keepAliveTimeout: 10_000 });
  const headers = { "content-type": "application/json", "x-goog-api-key": key };
  const path = (method) => `${url.pathname}/v1beta/models/${GEMINI}:${method}`;
  return {
    async call(messages) {
      const response = await pool.request({
        method: "POST",
        path: path("generateContent"),
        headers,
        body: JSON.stringify({ contents: contentsOf(messages), generationConfig: { maxOutputTokens: 1024 } }),
      });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      return body.candidates[0].content.parts[0].text;
    },
    async stream(messages, onChunk) {
      const response = await pool.request({
        method: "POST",
        path: `${path("streamGenerateContent")}?alt=sse`,
        headers,
        body: JSON.stringify({ contents: contentsOf(messages), generationConfig: { maxOutputTokens: 1024 } }),
      });
      response.body.setEncoding("utf8");
      let buffer = "";
      for await (const text of response.body) {
        buffer += text;
        // Events are cut out by index, and the rest kept once per read (not once per event).
        let start = 0;
        let end = buffer.indexOf("\r\n\r\n");
        while (end >= 0) {
          const event = JSON.parse(buffer.slice(start + 6, end));
          if (event.candidates[0].content.parts[0].text) onChunk();
          start = end + 4;
          end = buffer.indexOf("\r\n\r\n", start);
        }
        buffer = buffer.slice(start);
      }
    },
  };
}

/** director-llm's `GoogleAI`, streaming with `for_each` as the other director-llm rows do. */
async function geminiDirectorClient(base, key) {
  const { GoogleAI } = await import("director-llm");
  const llm = new GoogleAI({
    api_key: key,
    api_base: `${base}/v1beta`,
    chat_model: GEMINI,
    max_tokens: 1024,
  });
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

async function geminiSdkClient(base, key) {
  const { GoogleGenAI } = await import("@google/genai");
  const client = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: base } });
  const request = (messages) => ({
    model: GEMINI,
    contents: contentsOf(messages),
    config: { maxOutputTokens: 1024 },
  });
  return {
    async call(messages) {
      return (await client.models.generateContent(request(messages))).text;
    },
    async stream(messages, onChunk) {
      for await (const chunk of await client.models.generateContentStream(request(messages)))
        if (chunk.text) onChunk();
    },
  };
}

async function geminiVercelClient(base, key) {
  const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
  const { generateText, streamText } = await import("ai");
  const model = createGoogleGenerativeAI({ apiKey: key, baseURL: `${base}/v1beta` })(GEMINI);
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

export const GEMINI_CLIENTS = {
  "gemini:undici-pool": geminiUndiciClient,
  "gemini:director-llm": geminiDirectorClient,
  "gemini:genai-sdk": geminiSdkClient,
  "gemini:ai-sdk": geminiVercelClient,
};
