// One process of a fleet: runs `count` calls at `concurrency` against `base`, then prints one JSON
// line of results and ends on its own (no process.exit: an open Redis connection must not keep it
// alive). Usage: node fleet-worker.js '{"base":..., "key":..., "count":..., "concurrency":..., "redisUrl":...}'
import { LLMResponseStatus, OpenAI } from "../../src/index.js";

const options = JSON.parse(process.argv[2] ?? "{}") as {
  base: string;
  key: string;
  count: number;
  concurrency: number;
  redisUrl?: string;
  maxTokens?: number;
};
const warnings: string[] = [];
process.on("warning", (warning) => warnings.push(`${(warning as Error & { code?: string }).code}`));
const llm = new OpenAI({
  api_key: options.key,
  api_base: options.base,
  chat_model: "gpt-4o-mini",
  max_tokens: options.maxTokens ?? 100,
  timeout: 5,
  retry: { initial_delay_ms: 20, max_delay_ms: 200 },
  ...(options.redisUrl === undefined ? {} : { redis_url: options.redisUrl }),
});
const result = { ok: 0, failed: [] as string[], maxCallMs: 0, warnings };
let next = 0;
await Promise.all(
  Array.from({ length: options.concurrency }, async () => {
    while (next < options.count) {
      const index = next++;
      const started = Date.now();
      const response = await llm.chat_completions([
        { role: "user", content: `Request ${index} of process ${process.pid}: ${"lorem ipsum ".repeat(20)}` },
      ]);
      result.maxCallMs = Math.max(result.maxCallMs, Date.now() - started);
      if (response.status === LLMResponseStatus.SUCCESS) result.ok += 1;
      else result.failed.push(`${response.error?.kind}: ${response.error?.message}`);
    }
  }),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
