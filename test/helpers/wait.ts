/**
 * Waiting helpers for integration tests: condition polling with a bound (to avoid hangs, not to
 * assert speed) and a plain sleep for letting a back-off period pass.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => delay(ms);

/** Polls `cond` every 20 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}
