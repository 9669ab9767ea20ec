import { InvalidArgumentError } from "./usage-errors.js";

/** A number option within [min, max] (an integer if asked), or an {@link InvalidArgumentError} naming it. */
export function checkNumber(name: string, value: unknown, min: number, max: number, integer = false): number {
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw new InvalidArgumentError(
      name,
      `must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (got ${typeof value === "string" ? JSON.stringify(value) : String(value)})`,
    );
  return value;
}
