const REDACTED = "[redacted]";
/** Key-like tokens (`sk-...`, `sk-proj-...`), also when a server masks the middle with `*`. */
const KEY_PATTERN = /\bsk-[A-Za-z0-9_*-]{6,}/g;

/** Removes every given secret, and anything that looks like an OpenAI key, from a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result.replace(KEY_PATTERN, REDACTED);
}
