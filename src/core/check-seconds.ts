import { InvalidArgumentError } from "./usage-errors.js";

/** A number of seconds a caller gave: positive, or `Infinity` for none; `null` and `undefined` are not set. */
export function checkSeconds(name: string, value: number | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new InvalidArgumentError(
      name,
      `must be a positive number of seconds, or Infinity for none (got ${typeof value === "string" ? JSON.stringify(value) : String(value)})`,
    );
  }
  return value;
}
