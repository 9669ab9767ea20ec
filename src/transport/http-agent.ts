import { Agent, type Dispatcher } from "undici";

let sharedAgent: Agent | undefined;

/**
 * The process-wide keep-alive agent every client shares, so connections are reused across
 * instances. Idle sockets do not keep the process alive.
 */
export function getSharedAgent(): Dispatcher {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  return sharedAgent;
}
