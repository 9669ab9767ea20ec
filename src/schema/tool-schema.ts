import { createRequire } from "node:module";
import { isRecord } from "../core/is-record.js";
import type { JsonSchema } from "../core/messages.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

export type { StandardIssue, StandardResult, StandardSchemaV1 } from "../core/standard-schema.js";

/** Standard JSON Schema's converter, where the schema library implements it (read at run time). */
type JsonSchemaConverter = { input: (options: { target: string }) => Record<string, unknown> };

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    isRecord(value) && isRecord(value["~standard"]) && typeof value["~standard"]["validate"] === "function"
  );
}

/** The JSON Schema sent to the model for a tool's parameters (a Standard Schema's own, converted). */
export function wireSchema(parameters: unknown, path: string): JsonSchema {
  if (!isStandardSchema(parameters)) {
    if (!isRecord(parameters))
      throw new InvalidArgumentError(path, "must be a JSON Schema object or a Standard Schema");
    return parameters;
  }
  const converter = (parameters["~standard"] as { jsonSchema?: JsonSchemaConverter }).jsonSchema;
  if (converter === undefined)
    throw new InvalidArgumentError(
      path,
      `this ${parameters["~standard"].vendor} schema has no JSON Schema converter (~standard.jsonSchema: zod 4.2+, arktype 2.1.28+, valibot through toStandardJsonSchema); pass a JSON Schema instead`,
    );
  const { $schema: _dialect, ...schema } = converter.input({ target: "draft-2020-12" });
  return schema;
}

type Validator = {
  validate(value: unknown): {
    valid: boolean;
    errors: Array<{ instanceLocation: string; keyword: string; error: string }>;
  };
};
type ValidatorClass = new (schema: unknown, draft?: string, shortCircuit?: boolean) => Validator;
const require = createRequire(import.meta.url);
let validatorClass: ValidatorClass | undefined;

/** Whether the optional peer `@cfworker/json-schema` (JSON Schema validation) is installed. */
export function hasJsonSchemaValidator(): boolean {
  if (validatorClass !== undefined) return true;
  try {
    validatorClass = (require("@cfworker/json-schema") as { Validator: ValidatorClass }).Validator;
    return true;
  } catch {
    return false;
  }
}

/** `@cfworker/json-schema`, the optional peer that validates JSON Schemas. */
function jsonSchemaValidator(schema: JsonSchema, path: string): Validator {
  if (!hasJsonSchemaValidator())
    throw new InvalidArgumentError(
      path,
      "validating a JSON Schema needs the optional peer @cfworker/json-schema (npm install @cfworker/json-schema), or give a Standard Schema",
    );
  return new validatorClass!(schema, "2020-12", false);
}

/** Checks a tool's parameters once: a validator for its arguments, and what to send to the model. */
export function compileToolSchema(
  parameters: unknown,
  path: string,
  root = "arguments",
): {
  wire: JsonSchema;
  validate: (args: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; problems: string[] }>;
} {
  if (parameters === undefined) {
    const wire = { type: "object", properties: {} };
    return { wire, validate: async (args) => ({ ok: true, value: args }) };
  }
  const wire = wireSchema(parameters, path);
  if (isStandardSchema(parameters)) {
    const standard = parameters["~standard"];
    return {
      wire,
      validate: async (args) => {
        const result = await standard.validate(args);
        if (result.issues === undefined) return { ok: true, value: result.value };
        return {
          ok: false,
          problems: result.issues.map((issue) => {
            const keys = (issue.path ?? []).map((key) => String(typeof key === "object" ? key.key : key));
            return `${[root, ...keys].join(".")}: ${issue.message}`;
          }),
        };
      },
    };
  }
  const validator = jsonSchemaValidator(wire, path);
  return {
    wire,
    validate: async (args) => {
      const result = validator.validate(args);
      if (result.valid) return { ok: true, value: args };
      // The innermost errors say what is wrong; the wrappers ("properties did not match") add nothing.
      const leaves = result.errors.filter(
        (error) => error.keyword !== "properties" && error.keyword !== "$ref",
      );
      return {
        ok: false,
        problems: (leaves.length > 0 ? leaves : result.errors).map((error) => {
          const keys = error.instanceLocation
            .replace(/^#\/?/, "")
            .split("/")
            .filter((key) => key !== "");
          return `${[root, ...keys].join(".")}: ${error.error}`;
        }),
      };
    },
  };
}
