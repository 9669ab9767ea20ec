// A Director-style agent: the provider comes from the environment (get_default_llm, as in
// Director), the tools are plain functions with schemas, and run_tools runs the loop.
// Run: OPENAI_API_KEY=sk-... node dist/examples/director-agent.js "Find the clip about cats"
import * as z from "zod";
import { defineTool, get_default_llm, LLMResponseStatus } from "director-llm";

const clips = [
  { id: "c1", title: "Cats in boxes", seconds: 42 },
  { id: "c2", title: "A dog learns to surf", seconds: 95 },
];

const search = defineTool({
  name: "search_clips",
  description: "Search the video library by words in the title",
  parameters: z.object({ query: z.string() }),
  execute: ({ query }) => clips.filter((clip) => clip.title.toLowerCase().includes(query.toLowerCase())),
});

const summarize = defineTool({
  name: "clip_length",
  description: "The length of a clip in seconds",
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => clips.find((clip) => clip.id === id)?.seconds ?? "no such clip",
});

const llm = get_default_llm();
const run = await llm.run_tools(
  [
    { role: "system", content: "You are a video assistant. Use the tools, then answer in one sentence." },
    { role: "user", content: process.argv[2] ?? "Which clip is about cats, and how long is it?" },
  ],
  { tools: [search, summarize], max_steps: 5 },
);
if (run.status === LLMResponseStatus.SUCCESS) {
  console.log(run.content);
  console.error(`${run.usage.model_calls} model calls, ${run.usage.total_tokens} tokens, cost ${run.usage.cost ?? "unknown"}`);
} else {
  console.error(`failed: ${run.error?.kind}: ${run.error?.message}`);
  process.exitCode = 1;
}
