import { isRecord } from "../core/is-record.js";

/**
 * A JSON Schema as Gemini's `parametersJsonSchema` and `responseJsonSchema` take it. They accept
 * most of JSON Schema (`additionalProperties`, `$ref`/`$defs`, `anyOf` included); what they refuse
 * is translated: `$schema` (zod and others add it) is dropped, and `const` becomes a one-value
 * `enum`. Everything else is sent as given. Pure: the caller's schema is not changed.
 */
export function geminiJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return translate(schema, true) as Record<string, unknown>;
}

function translate(value: unknown, isSchema: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => translate(item, isSchema));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!isSchema) {
      // A map of names to schemas (`properties`, `$defs`): its values are schemas, its keys are names.
      out[key] = translate(child, true);
      continue;
    }
    if (key === "$schema") continue;
    if (key === "const" && value["enum"] === undefined) {
      out["enum"] = [child];
      continue;
    }
    if (key === "enum" || key === "default" || key === "examples" || key === "required") out[key] = child;
    else if (key === "properties" || key === "$defs" || key === "definitions" || key === "patternProperties")
      out[key] = translate(child, false);
    else out[key] = translate(child, true);
  }
  return out;
}
