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
    /** Checks a value: its output value, or the issues that say why it does not match. */
    readonly validate: (
      value: unknown,
      // biome-ignore lint/suspicious/noExplicitAny: the spec leaves validate's options open
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
