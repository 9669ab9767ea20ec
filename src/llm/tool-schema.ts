import { createRequire } from "node:module";
import { isRecord } from "../core/is-record.js";
import type { JsonSchema } from "../core/messages.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/**
 * A Standard Schema (https://standardschema.dev): zod 4, valibot, arktype and others implement
 * `~standard.validate`. Those that also implement Standard JSON Schema (zod 4.2+, arktype 2.1.28+,
 * valibot through `toStandardJsonSchema`) carry `~standard.jsonSchema`, which gives the schema sent
 * to the model. No schema library is a dependency of director-llm.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    // biome-ignore lint/suspicious/noExplicitAny: the spec leaves validate's options open
    readonly validate: (
      value: unknown,
      options?: any,
    ) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema's `validate` returns. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

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

/** `@cfworker/json-schema`, the optional peer that validates JSON Schema tool parameters. */
function jsonSchemaValidator(schema: JsonSchema): Validator {
  if (validatorClass === undefined) {
    try {
      validatorClass = (require("@cfworker/json-schema") as { Validator: ValidatorClass }).Validator;
    } catch {
      throw new InvalidArgumentError(
        "tools",
        "validating JSON Schema parameters needs the optional peer @cfworker/json-schema (npm install @cfworker/json-schema), or give the tool a Standard Schema",
      );
    }
  }
  return new validatorClass(schema, "2020-12", false);
}

/** Checks a tool's parameters once: a validator for its arguments, and what to send to the model. */
export function compileToolSchema(
  parameters: unknown,
  path: string,
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
            return `${["arguments", ...keys].join(".")}: ${issue.message}`;
          }),
        };
      },
    };
  }
  const validator = jsonSchemaValidator(wire);
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
          return `${["arguments", ...keys].join(".")}: ${error.error}`;
        }),
      };
    },
  };
}
