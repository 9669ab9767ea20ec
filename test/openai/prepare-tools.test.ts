import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { prepareOpenAITools, strictSchemaProblem } from "../../src/openai/prepare-openai-tools.js";

const loose = { type: "object", properties: { id: { type: "string" } } };
const strictable = {
  type: "object",
  properties: { id: { type: "string" } },
  required: ["id"],
  additionalProperties: false,
};

describe("prepareOpenAITools", () => {
  it("converts the spec's short shape; a loose schema gets no strict", () => {
    assert.deepStrictEqual(
      prepareOpenAITools(
        [{ name: "get_data", description: "Get data from source", parameters: loose }],
        undefined,
      ),
      {
        tools: [
          {
            type: "function",
            function: { name: "get_data", description: "Get data from source", parameters: loose },
          },
        ],
        tool_choice: "auto",
      },
    );
  });

  it("puts strict inside function when the schema qualifies", () => {
    assert.deepStrictEqual(prepareOpenAITools([{ name: "f", parameters: strictable }], undefined).tools, [
      { type: "function", function: { name: "f", parameters: strictable, strict: true } },
    ]);
  });

  it("moves Director's top-level strict inside function", () => {
    const tools = prepareOpenAITools(
      [{ type: "function", function: { name: "f", parameters: strictable }, strict: true }],
      "required",
    );
    assert.deepStrictEqual(tools, {
      tools: [{ type: "function", function: { name: "f", parameters: strictable, strict: true } }],
      tool_choice: "required",
    });
  });

  it("keeps an explicit strict: false", () => {
    assert.deepStrictEqual(
      prepareOpenAITools([{ name: "f", parameters: strictable, strict: false }], undefined).tools,
      [{ type: "function", function: { name: "f", parameters: strictable, strict: false } }],
    );
  });

  it("rejects strict: true on a schema that cannot be strict", () => {
    assert.throws(
      () => prepareOpenAITools([{ name: "f", parameters: loose, strict: true }], undefined),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.argument === "tools[0].strict" &&
        error.message.includes("additionalProperties: false"),
    );
  });

  it("rejects bad names, duplicate names and non-function tools", () => {
    assert.throws(() => prepareOpenAITools([{ name: "has space" }], undefined), InvalidArgumentError);
    assert.throws(
      () => prepareOpenAITools([{ name: "f" }, { name: "f" }], undefined),
      /duplicate tool name f/,
    );
    assert.throws(
      () => prepareOpenAITools([{ type: "banana", function: { name: "f" } } as never], undefined),
      InvalidArgumentError,
    );
  });

  it("sends no tools for none or an empty list", () => {
    assert.deepStrictEqual(prepareOpenAITools([], undefined), {});
    assert.deepStrictEqual(prepareOpenAITools(undefined, undefined), {});
  });

  it("checks nested objects for strictness", () => {
    const nested = {
      ...strictable,
      properties: { id: { type: "object", properties: { a: { type: "string" } } } },
    };
    assert.equal(
      strictSchemaProblem(nested),
      "parameters.properties.id must set additionalProperties: false",
    );
  });
});
