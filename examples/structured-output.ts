// Structured output with zod: the answer is validated against the schema, and asked again once
// (repair: 1) if it does not match. res.parsed is typed by the schema's output.
// Run: OPENAI_API_KEY=sk-... node dist/examples/structured-output.js
import * as z from "zod";
import { LLMResponseStatus, OpenAI } from "director-llm";

const Scene = z.object({
  title: z.string(),
  start_seconds: z.number(),
  mood: z.enum(["calm", "tense", "funny"]),
});

const llm = new OpenAI();
const res = await llm.chat_completions(
  [{ role: "user", content: "Describe the opening scene of a heist film as JSON." }],
  { response_format: { type: "json_schema", json_schema: { name: "scene", schema: Scene } }, repair: 1 },
);
if (res.status === LLMResponseStatus.SUCCESS) console.log(JSON.stringify(res.parsed));
else {
  console.error(`${res.error.kind}: ${res.error.message}`);
  process.exitCode = 1;
}
