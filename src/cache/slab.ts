/**
 * Off-heap storage for cache entry bytes: size classes carved from 64 KiB Buffers (memory outside
 * the V8 heap), with a list per class of released slots and of chunks with slots never handed out.
 * An entry is named by a small-integer handle (a V8 Smi: no heap object per entry), so the LRU
 * index holds numbers, not strings.
 *
 * Why not strings on the V8 heap: each cached answer was a heap string that survived the young
 * generation, so every cache miss paid for copying it twice in scavenges, and 1,000,000 entries
 * needed V8 heap headroom on top of their bytes (issue #6 note, bench/README.md "Cache memory").
 *
 * A slot holds the entry's length (u32) and its key's length (u16), then the key, then the entry.
 * Memory is reused within a class. Its total is capped (`limitBytes`): entries whose sizes move
 * from one class to another would otherwise leave the old class's chunks allocated but idle, so
 * when a new chunk would pass the cap, chunks with no slot in use are given up first, and if none
 * is, the store is refused (the cache then skips that answer). Knows nothing about DNS.
 */
import { Buffer } from 'node:buffer';

/** Where an entry's bytes are: `buf[start, end)`. Reused by its owner; valid until the slot is released. */
export class EntryRef {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
}

/** Compares a stored key, `buf[at, at + len)`, with a key the caller holds in another form. */
export interface KeyMatch {
  keyMatches(buf: Uint8Array, at: number, len: number): boolean;
}

/** Bytes of the length fields in each slot. */
const PREFIX = 6;
/** Size of one chunk for classes up to this size; a bigger class gets a chunk per slot. */
const CHUNK = 64 * 1024;
/** Bits of a handle that number the slot within its chunk. */
const SLOT_BITS = 16;
/** Chunks at most (handles stay below 2^31: Smis). */
const MAX_CHUNKS = 1 << 15;

/** Slot sizes (prefix included): steps of 16 up to 256, then about ×1.25, up to 64 KiB + 1 KiB. */
function sizeClasses(): number[] {
  const out: number[] = [];
  for (let s = 32; s <= 256; s += 16) out.push(s);
  for (let s = 320; s < 66 * 1024; s = Math.ceil((s * 1.25) / 64) * 64) out.push(s);
  out.push(66 * 1024);
  return out;
}

const CLASSES = sizeClasses();
/** Largest key plus entry a slot can hold. */
export const MAX_ENTRY = CLASSES.at(-1)! - PREFIX;

/** Size-class index for a slot of `size` bytes (binary search over CLASSES). */
function classOf(size: number): number {
  let lo = 0;
  let hi = CLASSES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (CLASSES[mid]! < size) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NO_CHUNK = Buffer.alloc(0);

/** Slots in a chunk of class `c`. */
const slotsIn = (c: number): number => Math.max(1, Math.floor(CHUNK / CLASSES[c]!));

/** A slab of entry slots outside the V8 heap. */
export class Slab {
  /** Chunk buffers by chunk number (NO_CHUNK: given up, its number free for reuse). */
  #chunks: Buffer[] = [];
  /** Size class of each chunk. */
  #chunkClass: number[] = [];
  /** Slots in use in each chunk. */
  #chunkUsed: number[] = [];
  /** Chunk numbers given up, for reuse. */
  #spareChunks: number[] = [];
  /** Released handles per size class. */
  #free: number[][] = CLASSES.map(() => []);
  /**
   * Per size class, the chunks with slots never handed out since the chunk was added or the slab
   * cleared: those from the chunk's cursor on. A chunk's slots are thus not listed one by one, so
   * adding a chunk or clearing the slab costs a step per chunk, not per slot.
   */
  #untouched: number[][] = CLASSES.map(() => []);
  /** Per chunk, its first slot not handed out (slots below it are in use or released). */
  #cursor: number[] = [];
  /** Bytes of chunk memory allocated. */
  #allocated = 0;

  /** @param limitBytes most chunk memory to hold (the cache's byte bound plus slack) */
  constructor(readonly limitBytes: number = Number.MAX_SAFE_INTEGER) {}

  /** Bytes a slot for `length` bytes of key plus entry occupies (what the cache's byte bound counts). */
  static slotSize(length: number): number {
    return CLASSES[classOf(length + PREFIX)]!;
  }

  /**
   * Copies `key` (a latin1 string) and then `entry` into a free slot and returns its handle, or -1
   * when the slab is at its memory limit; throws RangeError when they exceed MAX_ENTRY.
   */
  store(key: string, entry: Uint8Array): number {
    const keyLen = key.length;
    const n = keyLen + entry.length;
    if (n > MAX_ENTRY || keyLen > 0xffff) throw new RangeError(`cache entry of ${n} bytes exceeds ${MAX_ENTRY}`);
    const c = classOf(n + PREFIX);
    const free = this.#free[c]!;
    const h = free.length > 0 ? free.pop()! : this.#untouchedSlot(c);
    if (h < 0) return -1;
    this.#chunkUsed[h >>> SLOT_BITS]!++;
    const buf = this.#chunks[h >>> SLOT_BITS]!;
    const at = (h & 0xffff) * CLASSES[c]!;
    buf.writeUInt32LE(entry.length, at);
    buf.writeUInt16LE(keyLen, at + 4);
    buf.write(key, at + PREFIX, keyLen, 'latin1');
    buf.set(entry, at + PREFIX + keyLen);
    return h;
  }

  /** Points `ref` at the entry bytes of handle `h` (no view is made), valid until the slot is released. */
  locate(h: number, ref: EntryRef): void {
    const buf = this.#chunks[h >>> SLOT_BITS]!;
    const at = this.#slotOffset(h);
    const start = at + PREFIX + buf.readUInt16LE(at + 4);
    ref.buf = buf;
    ref.start = start;
    ref.end = start + buf.readUInt32LE(at);
  }

  /** The entry bytes of handle `h`: a view, valid until the slot is released. */
  view(h: number): Buffer {
    const ref = new EntryRef();
    this.locate(h, ref);
    return ref.buf.subarray(ref.start, ref.end);
  }

  /** True when the key stored in handle `h` is `key` (a latin1 string: one byte per character). */
  keyEquals(h: number, key: string): boolean {
    const buf = this.#chunks[h >>> SLOT_BITS]!;
    const at = this.#slotOffset(h);
    const n = key.length;
    if ((buf[at + 4]! | (buf[at + 5]! << 8)) !== n) return false;
    const k = at + PREFIX;
    for (let i = 0; i < n; i++) if (buf[k + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The key stored in handle `h`, as the latin1 string it was stored from. */
  keyOf(h: number): string {
    const buf = this.#chunks[h >>> SLOT_BITS]!;
    const at = this.#slotOffset(h);
    return buf.toString('latin1', at + PREFIX, at + PREFIX + (buf[at + 4]! | (buf[at + 5]! << 8)));
  }

  /** True when `match` accepts the key stored in handle `h`. */
  keyMatches(h: number, match: KeyMatch): boolean {
    const buf = this.#chunks[h >>> SLOT_BITS]!;
    const at = this.#slotOffset(h);
    return match.keyMatches(buf, at + PREFIX, buf[at + 4]! | (buf[at + 5]! << 8));
  }

  /** Returns the slot of handle `h` to its free list. */
  release(h: number): void {
    const chunk = h >>> SLOT_BITS;
    this.#chunkUsed[chunk]!--;
    this.#free[this.#chunkClass[chunk]!]!.push(h);
  }

  /**
   * Frees every slot and keeps the chunks for the entries that follow: a cache emptied on reload
   * reuses its memory instead of leaving it to the garbage collector while it allocates anew.
   */
  clear(): void {
    this.#free = CLASSES.map(() => []);
    this.#untouched = CLASSES.map(() => []);
    for (let chunk = 0; chunk < this.#chunks.length; chunk++) {
      if (this.#chunks[chunk] === NO_CHUNK) continue;
      this.#chunkUsed[chunk] = 0;
      this.#cursor[chunk] = 0;
      this.#untouched[this.#chunkClass[chunk]!]!.push(chunk);
    }
  }

  /** Bytes of chunk memory held. */
  get allocatedBytes(): number {
    return this.#allocated;
  }

  /** Where the slot of handle `h` starts in its chunk. */
  #slotOffset(h: number): number {
    return (h & 0xffff) * CLASSES[this.#chunkClass[h >>> SLOT_BITS]!]!;
  }

  /** A slot of class `c` never handed out: from a listed chunk, else from a new one (-1: see #grow). */
  #untouchedSlot(c: number): number {
    const list = this.#untouched[c]!;
    if (list.length === 0) return this.#grow(c);
    const chunk = list[list.length - 1]!;
    const i = this.#cursor[chunk]!++;
    if (i + 1 >= slotsIn(c)) list.pop();
    return (chunk << SLOT_BITS) | i;
  }

  /**
   * Adds a chunk for class `c` and returns its first slot, listing the chunk for the others; -1
   * when that would pass the memory limit even after giving up idle chunks.
   */
  #grow(c: number): number {
    const bytes = slotsIn(c) * CLASSES[c]!;
    if (this.#allocated + bytes > this.limitBytes) this.#giveUpIdleChunks();
    if (this.#allocated + bytes > this.limitBytes) return -1;
    const chunk = this.#spareChunks.length > 0 ? this.#spareChunks.pop()! : this.#chunks.length;
    if (chunk >= MAX_CHUNKS) return -1;
    this.#chunks[chunk] = Buffer.allocUnsafeSlow(bytes);
    this.#chunkClass[chunk] = c;
    this.#chunkUsed[chunk] = 0;
    this.#allocated += bytes;
    this.#cursor[chunk] = 1;
    if (slotsIn(c) > 1) this.#untouched[c]!.push(chunk);
    return chunk << SLOT_BITS;
  }

  /** Frees every chunk with no slot in use and takes it and its slots off the lists. */
  #giveUpIdleChunks(): void {
    const idle = new Set<number>();
    for (let chunk = 0; chunk < this.#chunks.length; chunk++) {
      if (this.#chunks[chunk] === NO_CHUNK || this.#chunkUsed[chunk] !== 0) continue;
      idle.add(chunk);
      this.#allocated -= this.#chunks[chunk]!.length;
      this.#chunks[chunk] = NO_CHUNK;
      this.#spareChunks.push(chunk);
    }
    if (idle.size === 0) return;
    this.#free = this.#free.map((list) => list.filter((h) => !idle.has(h >>> SLOT_BITS)));
    this.#untouched = this.#untouched.map((list) => list.filter((chunk) => !idle.has(chunk)));
  }
}
