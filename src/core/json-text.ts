import { InvalidArgumentError } from "./usage-errors.js";

/**
 * `JSON.stringify` for caller-supplied values: a value JSON cannot represent (a cycle, a BigInt, a
 * function or `undefined` at the top) is an {@link InvalidArgumentError} naming `argument`, never a
 * raw `TypeError`.
 */
export function jsonText(value: unknown, argument: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const problem =
      error instanceof TypeError && /circular/i.test(error.message)
        ? "contains a circular reference"
        : error instanceof TypeError && /BigInt/i.test(error.message)
          ? "contains a BigInt (convert it to a number or string)"
          : `cannot be serialized as JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
    throw new InvalidArgumentError(argument, problem);
  }
  if (text === undefined) throw new InvalidArgumentError(argument, "is not JSON-serializable");
  return text;
}
