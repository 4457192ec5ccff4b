/**
 * Health checks across cluster workers (workers=N): each checked server is checked by one worker
 * only, chosen from the server's key, so a server gets one check per interval whatever N is;
 * that worker passes every result on (through the primary) and the others feed it to their own
 * Health as if they had checked, each keeping its own rise/fall count and passive signals.
 */
import type { CheckResult } from './health.js';

/** How a process shares health checks with other processes serving the same configuration. */
export interface CheckSharing {
  /** True when this process checks the server known by `key` (registry key); the others only hear its results. */
  mine(key: string): boolean;
  /** Passes the result of a check this process made on the server known by `key` to the others. */
  announce(key: string, r: CheckResult): void;
}

/**
 * True when worker `slot` (1 to `count`) is the one that checks the server known by `key`. The
 * hash (FNV-1a, 32 bits) is the same in every process: the cache's key hash is seeded per process.
 */
export function checksServer(key: string, slot: number, count: number): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return count <= 1 || (h >>> 0) % count === slot - 1;
}
