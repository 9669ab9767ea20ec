import type { Dispatcher } from "undici";

type Undici = typeof import("undici");
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;
let sharedAgent: Dispatcher | undefined;

/**
 * undici, loaded on the first request rather than at import: it is most of what importing the
 * library would cost (about 85 ms on a small machine), and a process that constructs a client
 * but never calls it should not pay for it.
 */
export function loadUndici(): Undici | Promise<Undici> {
  if (undici !== undefined) return undici;
  loading ??= import("undici").then((module) => {
    undici = module;
    return module;
  });
  return loading;
}

/**
 * The process-wide keep-alive agent every client shares, so connections are reused across
 * instances. Idle sockets do not keep the process alive.
 */
export function getSharedAgent(module: Undici): Dispatcher {
  sharedAgent ??= new module.Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  return sharedAgent;
}
