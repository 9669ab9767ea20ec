// One process of a fleet behind a FallbackLLM: a Claude-shaped member first, an OpenAI-shaped one
// second, cooldowns shared through Redis. Runs `count` calls one after another, prints one JSON line
// (answers by provider) and ends on its own.
// Usage: node fallback-worker.js '{"claude":..., "openai":..., "redisUrl":..., "count":...}'
import { AnthropicAI, FallbackLLM, OpenAI } from "../../src/index.js";

const options = JSON.parse(process.argv[2] ?? "{}") as {
  claude: string;
  openai: string;
  redisUrl: string;
  count: number;
};
const common = { api_key: "sk-test", rate_limit: false as const, max_retries: 0, timeout: 5 };
const llm = new FallbackLLM(
  [
    new AnthropicAI({ ...common, api_base: options.claude, chat_model: "claude-fleet" }),
    new OpenAI({ ...common, api_base: options.openai, chat_model: "gpt-4o-mini" }),
  ],
  { redis_url: options.redisUrl, cooldown: { failures: 1, seconds: 30 } },
);
const answered: Record<string, number> = {};
for (let index = 0; index < options.count; index += 1) {
  const response = await llm.chat_completions([{ role: "user", content: `call ${index}` }]);
  const who = response.error ? `error:${response.error.kind}` : (response.provider ?? "?");
  answered[who] = (answered[who] ?? 0) + 1;
}
await llm.close();
process.stdout.write(`${JSON.stringify(answered)}\n`);
