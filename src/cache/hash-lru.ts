/**
 * The cache index: key bytes → entry number, in least-recently-used order, held entirely in typed
 * arrays (no JavaScript object, string or Map slot per entry). Open addressing with linear probing
 * and backward-shift deletion over a power-of-two bucket array kept at most half full; the LRU order
 * is a doubly linked list through `prev`/`next`. Entry numbers are recycled through a free list.
 * Keys themselves live in the Slab (compared there), so the index stores only numbers.
 *
 * Why not lru-cache (a JS Map of key strings): one Map insert and one eviction per forwarded query,
 * measured on the miss path, kept 15–25 % of every query's short-lived objects alive through
 * young-generation collections once a full collection had run (see upstream/id-table.ts for the
 * mechanism); the scavenger became the largest CPU cost. Heap strings per entry also cost ~160 B
 * of live heap and V8 headroom on top (bench/README.md "Cache memory").
 */
import type { KeyMatch, Slab } from './slab.js';

const NONE = -1;

/**
 * Key → entry number with LRU order, over typed arrays sized for `max` entries up front, as dnsmasq
 * does: growing by doubling stalled an insert for 74 ms at 1,048,576 entries (copying and rehashing),
 * while untouched pages of a zero-filled array cost no resident memory until entries use them.
 */
export class HashLru {
  /** Bucket → entry number + 1 (0: empty). */
  #buckets = new Int32Array(0);
  #mask = 0;
  #hash = new Uint32Array(0);
  /** Slab handle of each entry (key and bytes). */
  #handle = new Int32Array(0);
  /** Bytes accounted to each entry. */
  #size = new Uint32Array(0);
  #prev = new Int32Array(0);
  #next = new Int32Array(0);
  /** Unused entry numbers below #used. */
  #free: number[] = [];
  #used = 0;
  /** Least and most recently used entries. */
  #head = NONE;
  #tail = NONE;
  count = 0;
  bytes = 0;

  constructor(readonly max: number, private readonly slab: Slab) {
    this.#allocate();
  }

  /** Entry number for `key` (hash `h`), or -1. Does not touch LRU order. */
  find(key: string, h: number): number {
    for (let b = h & this.#mask; ; b = (b + 1) & this.#mask) {
      const e = this.#buckets[b]! - 1;
      if (e < 0) return NONE;
      if (this.#hash[e] === h && this.slab.keyEquals(this.#handle[e]!, key)) return e;
    }
  }

  /** Entry number for the key `match` accepts (hash `h`), or -1. Does not touch LRU order. */
  findMatch(h: number, match: KeyMatch): number {
    for (let b = h & this.#mask; ; b = (b + 1) & this.#mask) {
      const e = this.#buckets[b]! - 1;
      if (e < 0) return NONE;
      if (this.#hash[e] === h && this.slab.keyMatches(this.#handle[e]!, match)) return e;
    }
  }

  /** Slab handle of entry `e`. */
  handleOf(e: number): number {
    return this.#handle[e]!;
  }

  /** Marks `e` most recently used. */
  touch(e: number): void {
    if (e === this.#tail) return;
    this.#unlink(e);
    this.#append(e);
  }

  /**
   * Adds a new key (not present) with slab handle `handle` and accounted `size`; the caller evicts
   * first when full. Returns its entry number.
   */
  insert(h: number, handle: number, size: number): number {
    const e = this.#free.length > 0 ? this.#free.pop()! : this.#used++;
    this.#hash[e] = h;
    this.#handle[e] = handle;
    this.#size[e] = size;
    this.#place(e);
    this.#append(e);
    this.count++;
    this.bytes += size;
    return e;
  }

  /** The least recently used entry, or -1 when empty. */
  oldest(): number {
    return this.#head;
  }

  /** Removes entry `e` (its slab handle is the caller's to release). */
  remove(e: number): void {
    let b = this.#hash[e]! & this.#mask;
    while (this.#buckets[b] !== e + 1) b = (b + 1) & this.#mask;
    // Backward-shift deletion: pull later members of the probe run into the hole.
    for (let j = (b + 1) & this.#mask; this.#buckets[j] !== 0; j = (j + 1) & this.#mask) {
      const home = this.#hash[this.#buckets[j]! - 1]! & this.#mask;
      const movable = j > b ? home <= b || home > j : home <= b && home > j;
      if (movable) {
        this.#buckets[b] = this.#buckets[j]!;
        b = j;
      }
    }
    this.#buckets[b] = 0;
    this.#unlink(e);
    this.#free.push(e);
    this.count--;
    this.bytes -= this.#size[e]!;
    this.#size[e] = 0; // marks the number unused for live()
  }

  /** True when entry number `e` holds an entry (sizes of live entries are never 0). */
  live(e: number): boolean {
    return e >= 0 && e < this.#used && this.#size[e] !== 0;
  }

  /** Every live entry number, least recently used first (a snapshot: later changes do not show). */
  order(): Int32Array {
    const out = new Int32Array(this.count);
    let i = 0;
    for (let e = this.#head; e !== NONE; e = this.#next[e]!) out[i++] = e;
    return out;
  }

  /**
   * Forgets everything and keeps the arrays for the entries that follow (a cache emptied on reload
   * allocates nothing): only the buckets are zeroed, the rest is written when an entry is inserted.
   */
  clear(): void {
    this.#free = [];
    this.#used = 0;
    this.#head = this.#tail = NONE;
    this.count = 0;
    this.bytes = 0;
    this.#buckets.fill(0);
  }

  /** Puts `e` into the first free bucket of its probe run. */
  #place(e: number): void {
    let b = this.#hash[e]! & this.#mask;
    while (this.#buckets[b] !== 0) b = (b + 1) & this.#mask;
    this.#buckets[b] = e + 1;
  }

  #append(e: number): void {
    this.#prev[e] = this.#tail;
    this.#next[e] = NONE;
    if (this.#tail !== NONE) this.#next[this.#tail] = e;
    else this.#head = e;
    this.#tail = e;
  }

  #unlink(e: number): void {
    const p = this.#prev[e]!;
    const n = this.#next[e]!;
    if (p !== NONE) this.#next[p] = n;
    else this.#head = n;
    if (n !== NONE) this.#prev[n] = p;
    else this.#tail = p;
  }

  /** Zero-filled arrays for `max` entries, buckets at most half full. */
  #allocate(): void {
    const n = this.max;
    this.#hash = new Uint32Array(n);
    this.#handle = new Int32Array(n);
    this.#size = new Uint32Array(n);
    this.#prev = new Int32Array(n);
    this.#next = new Int32Array(n);
    let nb = 16;
    while (nb < n * 2) nb *= 2;
    this.#buckets = new Int32Array(nb);
    this.#mask = nb - 1;
  }
}
