/**
 * Unpredictable 16-bit values for query IDs and socket choice, from the OS CSPRNG in batches
 * (RFC 5452 §9.2: IDs and source ports must not be guessable). One randomFillSync per 4096 draws.
 */
import { randomFillSync } from 'node:crypto';

const pool = new Uint16Array(4096);
let next = pool.length;

/** A uniformly random integer in [0, 65535]. */
export function random16(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]!;
}
