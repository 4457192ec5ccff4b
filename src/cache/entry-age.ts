/**
 * Moves a cache entry's clock (entry-format.ts): the entry is rewritten as if stored at `born`
 * with `age` seconds of its life already spent, so its TTL rows and lifetime shrink by `age` and
 * hits serve the same remaining TTLs as before. The cache file uses it, since entries count in
 * process-clock seconds, which mean nothing to the next process: written relative to the moment
 * of writing, loaded relative to the moment of loading, less the time the process was down.
 */
import { setU32, u16, u32 } from '../wire/header.js';
import { TAIL_SIZE, T_BORN, T_LIFE, T_RUNS, T_TTLS } from './entry-format.js';

/**
 * Rewrites `v` (one whole entry) in place: every TTL row and the lifetime less `age` (not below
 * 0), born at `born` (clock seconds). Returns the lifetime left, or -1, changing nothing, when
 * the entry's tables do not fit its length (bytes that are no entry).
 */
export function ageEntry(v: Uint8Array, age: number, born: number): number {
  const t = v.length - TAIL_SIZE;
  if (t < 0) return -1;
  const rows = u16(v, t + T_TTLS);
  const ttlTab = t - u16(v, t + T_RUNS) - 6 * rows;
  if (ttlTab < 0) return -1;
  for (let i = ttlTab; i < ttlTab + 6 * rows; i += 6) setU32(v, i + 2, Math.max(0, u32(v, i + 2) - age));
  const life = Math.max(0, u32(v, t + T_LIFE) - age);
  setU32(v, t + T_LIFE, life);
  setU32(v, t + T_BORN, born >>> 0);
  return life;
}

/**
 * Rewrites `v` (one whole entry, stored on this process's clock) in place into the portable form
 * the cache file and the workers' entry sharing carry: fresh, born at 0 with the life left;
 * expired, no life left and "born" the seconds since it expired. `now` is this process's clock.
 */
export function toPortable(v: Uint8Array, now: number): void {
  const t = v.length - TAIL_SIZE;
  const born = u32(v, t + T_BORN);
  const expiry = born + u32(v, t + T_LIFE);
  ageEntry(v, now - born, Math.max(0, now - expiry));
}

/**
 * Rewrites a portable entry (toPortable) in place onto this process's clock at `now`, `awaySec`
 * seconds after it was made portable (the time a cache file lay on disk; 0 between workers).
 * Returns the lifetime left, or -1 when the bytes are no entry.
 */
export function fromPortable(v: Uint8Array, awaySec: number, now: number): number {
  if (v.length < TAIL_SIZE) return -1;
  const left = u32(v, v.length - TAIL_SIZE + T_LIFE) - awaySec;
  const since = left > 0 ? 0 : u32(v, v.length - TAIL_SIZE + T_BORN) - left;
  return ageEntry(v, awaySec, Math.max(0, now - since));
}

/**
 * How fresh a portable entry (toPortable) is: its life left in seconds, or minus the seconds since
 * it expired; -Infinity for bytes that are no entry. The larger, the better an answer.
 */
export function portableFreshness(v: Uint8Array): number {
  if (v.length < TAIL_SIZE) return Number.NEGATIVE_INFINITY;
  const life = u32(v, v.length - TAIL_SIZE + T_LIFE);
  return life > 0 ? life : -u32(v, v.length - TAIL_SIZE + T_BORN);
}
