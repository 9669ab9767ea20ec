/** `api_base` plus a path, keeping any query string (Azure's `api-version`). */
export function endpointUrl(apiBase: string, path: string): URL {
  const url = new URL(apiBase);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url;
}

/** The `user-agent` every provider sends. */
export const USER_AGENT = "director-llm/0.1.0";
