/**
 * The cache key hash: seeded murmur3_32 over the key's bytes (hashBytes), and the same for the key
 * held as a latin1 string (hashKey), so a query can be hashed while it is parsed and its entry
 * stored under the string later. The seed is per process, so bucket positions in the
 * cache index cannot be predicted from outside.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/** Per-process hash seed. */
const SEED = randomBytes(4).readUInt32LE(0);

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** One murmur3 block mix of `k`. */
function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** murmur3_32's finish: mixes in the length and avalanches. */
function finish(h: number, len: number): number {
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One murmur3 round: mixes block `k` into `h`. */
function round(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Seeded 32-bit hash (murmur3_32) of `bytes[0, len)`: what hashKey gives for them as a latin1 string. */
export function hashBytes(bytes: Uint8Array, len: number): number {
  let h = SEED;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    h = round(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  if (i < len) {
    let k = 0;
    for (let s = 0; i < len; i++, s += 8) k |= bytes[i]! << s;
    h ^= mixK(k);
  }
  return finish(h, len);
}

/**
 * hashBytes of `key`, a latin1 string (one byte per character). Off the hot path (a store or delete
 * by key string), so the string is copied to bytes rather than hashed by a second loop.
 */
export function hashKey(key: string): number {
  return hashBytes(Buffer.from(key, 'latin1'), key.length);
}
