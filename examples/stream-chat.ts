// A streamed chat: the answer is printed as it arrives; the final response has the usage.
// Run: OPENAI_API_KEY=sk-... node dist/examples/stream-chat.js "Tell me about Oslo"
import { OpenAI } from "director-llm";

const llm = new OpenAI();
const stream = llm.stream_chat_completions([{ role: "user", content: process.argv[2] ?? "Say hello in three languages" }]);
for await (const part of stream) {
  if (part.type === "text-delta") process.stdout.write(part.text);
  if (part.type === "error") console.error(`\nstream failed: ${part.error.kind}: ${part.error.message}`);
}
const response = await stream.response;
process.stdout.write("\n");
console.error(`${response.send_tokens} prompt + ${response.recv_tokens} completion tokens`);
if (response.error) process.exitCode = 1;
