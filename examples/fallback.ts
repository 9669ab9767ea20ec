// Fallback across providers: the answer comes from the next model while one provider is down,
// rate-limited or misconfigured. The response says who answered and who failed before it.
// Run: ANTHROPIC_API_KEY=... OPENAI_API_KEY=... node dist/examples/fallback.js
import { FallbackLLM, LLMResponseStatus } from "director-llm";

const llm = new FallbackLLM(["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]);
const res = await llm.chat_completions([{ role: "user", content: process.argv[2] ?? "Name three film genres." }]);
if (res.status === LLMResponseStatus.SUCCESS) {
  console.log(res.content);
  for (const failure of res.fallbacks) console.error(`${failure.provider} ${failure.kind}: ${failure.message}`);
  console.error(`answered by ${res.provider} (${res.model}) after ${res.attempts} requests`);
} else {
  console.error(`every member failed; the last: ${res.error.kind}: ${res.error.message}`);
  process.exitCode = 1;
}
