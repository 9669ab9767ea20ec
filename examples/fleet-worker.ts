// One worker of a fleet: run as many processes as you like on one API key; with
// DIRECTOR_LLM_REDIS_URL set they share one rate budget through Redis and pace as one client.
// Run: OPENAI_API_KEY=sk-... DIRECTOR_LLM_REDIS_URL=redis://127.0.0.1:6379 node dist/examples/fleet-worker.js 20
import { LLMResponseStatus, OpenAI } from "director-llm";

const llm = new OpenAI(); // redis_url comes from DIRECTOR_LLM_REDIS_URL
const count = Number(process.argv[2] ?? 10);
const results = await Promise.all(
  Array.from({ length: count }, (_, index) =>
    llm.chat_completions([{ role: "user", content: `Give one word for the number ${index}.` }], { max_tokens: 5 }),
  ),
);
const failed = results.filter((res) => res.status !== LLMResponseStatus.SUCCESS);
console.log(`${results.length - failed.length} of ${results.length} calls succeeded`);
for (const res of failed) console.error(`${res.error?.kind}: ${res.error?.message}`);
await llm.close();
if (failed.length > 0) process.exitCode = 1;
