import { isRecord } from "../core/is-record.js";
import type { JsonSchema } from "../core/messages.js";

/**
 * The strict form of a JSON Schema, as OpenAI's structured outputs take it and the openai SDK's
 * `zodResponseFormat` makes it: every object lists all its properties in `required` and sets
 * `additionalProperties: false`; a property that was optional becomes nullable instead (the model
 * answers `null` for it, which {@link nullsToUndefined} turns back into absent before validation).
 * An object whose `additionalProperties` is a schema (a map) cannot be strict: it is left as it is.
 */
export function toStrictSchema(schema: JsonSchema): JsonSchema {
  return strict(schema) as JsonSchema;
}

function nullable(schema: unknown): unknown {
  if (!isRecord(schema)) return schema;
  const type = schema["type"];
  if (typeof type === "string") return type === "null" ? schema : { ...schema, type: [type, "null"] };
  if (Array.isArray(type)) return type.includes("null") ? schema : { ...schema, type: [...type, "null"] };
  return { anyOf: [schema, { type: "null" }] };
}

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = { ...schema };
  for (const key of ["items", "not"] as const) if (out[key] !== undefined) out[key] = strict(out[key]);
  for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"] as const)
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(strict);
  for (const key of ["$defs", "definitions"] as const)
    if (isRecord(out[key]))
      out[key] = Object.fromEntries(
        Object.entries(out[key] as Record<string, unknown>).map(([name, child]) => [name, strict(child)]),
      );
  const isObject = out["type"] === "object" || isRecord(out["properties"]);
  if (!isObject || isRecord(out["additionalProperties"])) return out;
  const properties = isRecord(out["properties"]) ? out["properties"] : {};
  const required = new Set(Array.isArray(out["required"]) ? (out["required"] as string[]) : []);
  out["properties"] = Object.fromEntries(
    Object.entries(properties).map(([name, child]) => [
      name,
      required.has(name) ? strict(child) : nullable(strict(child)),
    ]),
  );
  out["required"] = Object.keys(properties);
  out["additionalProperties"] = false;
  return out;
}

/**
 * A parsed answer to a strict schema, with the `null`s of properties that were optional in the
 * original schema removed (absent again), so the original schema (a zod `.optional()`) accepts it.
 * The caller's value is not changed.
 */
export function nullsToUndefined(value: unknown, original: unknown): unknown {
  if (!isRecord(original)) return value;
  if (Array.isArray(value))
    return isRecord(original["items"])
      ? value.map((item) => nullsToUndefined(item, original["items"]))
      : value;
  if (!isRecord(value) || !isRecord(original["properties"])) return value;
  const properties = original["properties"];
  const required = new Set(Array.isArray(original["required"]) ? (original["required"] as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null && Object.hasOwn(properties, key) && !required.has(key)) continue;
    out[key] = Object.hasOwn(properties, key) ? nullsToUndefined(item, properties[key]) : item;
  }
  return out;
}
