// A question about a video on Gemini: a YouTube link (or a Files API URI) by reference.
// Run: GEMINI_API_KEY=... node dist/examples/gemini-video.js https://youtu.be/lCdaVNyHtjU
import { GoogleAI, LLMResponseStatus } from "director-llm";

const gemini = new GoogleAI();
const res = await gemini.chat_completions([
  {
    role: "user",
    content: [
      { type: "text", text: "What happens in this clip? Answer in two sentences." },
      { type: "media", url: process.argv[2] ?? "https://youtu.be/lCdaVNyHtjU", media_type: "video/mp4" },
    ],
  },
]);
if (res.status === LLMResponseStatus.SUCCESS) {
  console.log(res.content);
  console.error(`${res.send_tokens} prompt tokens (video included), cost ${res.cost ?? "unknown"}`);
} else {
  console.error(`${res.error.kind}: ${res.error.message}`);
  process.exitCode = 1;
}
