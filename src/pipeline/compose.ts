/**
 * Builds the chain once at start-up: compose([a, b, c], terminal) returns a Next that runs a, which
 * may call b, and so on. Order is code (server.ts), never config.
 */
import type { Handler, Next } from './types.js';

/** Composes handlers in order; `terminal` answers when the last handler calls next. */
export function compose(handlers: readonly Handler[], terminal: Next): Next {
  let next = terminal;
  for (let i = handlers.length - 1; i >= 0; i--) {
    const h = handlers[i]!;
    const rest = next;
    next = (q) => h.handle(q, rest);
  }
  return next;
}
