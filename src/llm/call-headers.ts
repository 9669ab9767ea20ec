import { validateHeaders } from "../core/config-validators.js";
import { InvalidArgumentError } from "../core/usage-errors.js";

/** A call's `extra_headers`, checked like the config's `headers` (every provider sends them alike). */
export function callHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  return validateHeaders(headers, (problem) => {
    throw new InvalidArgumentError("extra_headers", problem);
  });
}

/** Request headers with a call's own on top, and the secrets to redact (theirs included). */
export function withCallHeaders(
  headers: Record<string, string>,
  secrets: readonly string[],
  extra: Readonly<Record<string, string>> | undefined,
): { headers: Record<string, string>; secrets: readonly string[] } {
  if (extra === undefined) return { headers, secrets };
  return {
    headers: { ...headers, ...extra },
    secrets: [...secrets, ...Object.values(extra).filter((value) => value.length >= 4)],
  };
}
