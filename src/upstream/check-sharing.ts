/**
 * Health checks across cluster workers (workers=N): each checked server is checked by one worker
 * only, chosen from the server's key, so a server gets one check per interval whatever N is;
 * that worker passes every result on (through the primary) and the others feed it to their own
 * Health as if they had checked, each keeping its own rise/fall count and passive signals. While
 * a worker is being replaced, another one checks its servers besides its own (SlotSharing.cover).
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

/**
 * A worker's share of the checks: the servers of its slot (1 to `count`), and while the primary
 * asks it to, those of slots whose worker is being replaced, so that no server goes unchecked.
 */
export class SlotSharing implements CheckSharing {
  #covered: readonly number[] = [];

  constructor(
    readonly slot: number,
    readonly count: number,
    readonly announce: (key: string, r: CheckResult) => void,
  ) {}

  /** The slots covered now, besides its own. */
  get covered(): readonly number[] {
    return this.#covered;
  }

  mine(key: string): boolean {
    return checksServer(key, this.slot, this.count) || this.#covered.some((s) => checksServer(key, s, this.count));
  }

  /** Checks the servers of `slots` too, from now until the next call (none: its own only); true when that changed what it covers. */
  cover(slots: readonly number[]): boolean {
    const next = slots.filter((s) => Number.isInteger(s) && s >= 1 && s <= this.count && s !== this.slot);
    if (next.length === this.#covered.length && next.every((s, i) => s === this.#covered[i])) return false;
    this.#covered = next;
    return true;
  }
}
