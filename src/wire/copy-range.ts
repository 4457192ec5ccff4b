/**
 * Byte-range copy for the hot paths. Node's Buffer#copy of a partial range builds a new
 * Uint8Array view of the source on every call (lib/buffer.js _copyActual); the cache-hit path made
 * three or four such copies of a few dozen bytes per answer (bench profile: _copyActual 2.3 %). Short
 * ranges are copied by a loop instead; long ones still go to the native copy.
 */

/** Ranges up to this many bytes are copied in JavaScript. */
const LOOP_MAX = 96;

/** Copies src[start, end) to dst at `at`; returns the end offset in dst. */
export function copyRange(src: Uint8Array, start: number, end: number, dst: Buffer, at: number): number {
  const n = end - start;
  if (n <= LOOP_MAX) {
    for (let i = 0; i < n; i++) dst[at + i] = src[start + i]!;
    return at + n;
  }
  dst.set(src.subarray(start, end), at);
  return at + n;
}
