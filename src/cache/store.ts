/**
 * Cache storage: key → entry bytes, least recently used first out, bounded by entry count
 * (`cache-size`) and by bytes (`cache-max-bytes`: the key and entry's slab slot plus a fixed
 * per-entry overhead for the index). Keys and entries live in a Slab outside the V8 heap, indexed
 * by a HashLru over typed arrays. Knows nothing about DNS beyond "bytes".
 */
import { hashKey } from '../util/key-hash.js';
import { HashLru } from './hash-lru.js';
import { EntryRef, MAX_ENTRY, Slab, type KeyMatch } from './slab.js';

/** Bytes per entry in the index arrays (hash, handle, size, prev, next, two buckets). */
export const ENTRY_OVERHEAD = 28;

/** Slab memory allowed above twice cache-max-bytes (room for a chunk of each size class). */
const SLAB_SLACK = 8 * 1024 * 1024;

/** Evictions one insert may make to free slab room for its slot size before it is refused. */
const EVICT_FOR_ROOM = 64;

/** Counters the store keeps. */
export interface StoreCounters {
  insertions: number;
  /** Live entries pushed out to make room (LRU eviction). */
  evictions: number;
  /** Entries not stored: bigger than a slot or than cache-max-bytes, or the slab at its memory limit. */
  refused: number;
}

/** The LRU store. */
export class CacheStore {
  readonly #slab: Slab;
  readonly #index: HashLru;
  readonly #maxBytes: number;

  /** `counters` may be a replaced store's, to go on counting in them. */
  constructor(maxEntries: number, maxBytes: number, readonly counters: StoreCounters = { insertions: 0, evictions: 0, refused: 0 }) {
    this.#maxBytes = maxBytes;
    // Slab memory beyond the live bytes: idle slots in other size classes, at most this much.
    this.#slab = new Slab(2 * maxBytes + SLAB_SLACK);
    this.#index = new HashLru(Math.max(1, maxEntries), this.#slab);
  }

  /**
   * Finds the entry for `key` (marking it recently used) and points `ref` at its bytes, valid until
   * the next set/delete/clear; false when there is none. The hit path's lookup: no view is made.
   */
  lookup(key: string, ref: EntryRef): boolean {
    return this.#use(this.#find(key), ref);
  }

  /**
   * lookup() for a key the caller holds as bytes elsewhere (a query's own wire name, say): `hash`
   * is hashKey of the key, `match` compares it with stored keys. No key string is made.
   */
  lookupMatch(hash: number, match: KeyMatch, ref: EntryRef): boolean {
    return this.#use(this.#index.findMatch(hash, match), ref);
  }

  /** The entry for `key` (marking it recently used): a view valid until the next set/delete/clear. */
  get(key: string): Buffer | undefined {
    const ref = new EntryRef();
    return this.lookup(key, ref) ? ref.buf.subarray(ref.start, ref.end) : undefined;
  }

  /**
   * Stores a copy of `entry` under `key` (replacing its old entry), evicting least recently used
   * entries as needed: for the entry count, for the byte bound, and for slab memory when the slot
   * size this entry needs has no room left (at most EVICT_FOR_ROOM at a time, then it is refused).
   * `hash`, when the caller has it already, is hashKey(key).
   */
  set(key: string, entry: Uint8Array, hash = hashKey(key)): void {
    const e = this.#index.find(key, hash);
    if (e >= 0) this.#drop(e); // the new answer supersedes the old one, stored or not
    const size = Slab.slotSize(key.length + entry.length) + ENTRY_OVERHEAD;
    if (key.length + entry.length > MAX_ENTRY || size > this.#maxBytes) {
      this.counters.refused++;
      return;
    }
    const idx = this.#index;
    let h = this.#slab.store(key, entry);
    for (let i = 0; h < 0 && i < EVICT_FOR_ROOM && idx.count > 0; i++) {
      this.#evictOldest();
      h = this.#slab.store(key, entry);
    }
    if (h < 0) {
      this.counters.refused++;
      return;
    }
    this.counters.insertions++;
    if (idx.count >= idx.max) this.#evictOldest();
    idx.insert(hash, h, size);
    while (idx.bytes > this.#maxBytes && idx.count > 1) this.#evictOldest();
  }

  /** True when this store was made for `maxEntries` and `maxBytes`. */
  fits(maxEntries: number, maxBytes: number): boolean {
    return this.#index.max === maxEntries && this.#maxBytes === maxBytes;
  }

  /** True when an entry for `key` is stored (its LRU place is left as it is). */
  has(key: string): boolean {
    return this.#find(key) >= 0;
  }

  /** Removes one entry. */
  delete(key: string): void {
    const e = this.#find(key);
    if (e >= 0) this.#drop(e);
  }

  /**
   * Removes every entry (the counters go on); the slab's chunks and the index's arrays stay for the
   * entries that follow.
   */
  clear(): void {
    this.#index.clear();
    this.#slab.clear();
  }

  /**
   * Entry numbers of every entry, least recently used first: a snapshot to walk (a reload's keep
   * pass, the cache file), each number checked with keyAt() when it is reached, since entries may
   * have come and gone since. Marks nothing recently used.
   */
  order(): Int32Array {
    return this.#index.order();
  }

  /** The key of entry number `e`, or null when that number holds no entry now. */
  keyAt(e: number): string | null {
    return this.#index.live(e) ? this.#slab.keyOf(this.#index.handleOf(e)) : null;
  }

  /** Points `ref` at the bytes of live entry number `e` (see keyAt), valid until the next set/delete/clear. */
  entryAt(e: number, ref: EntryRef): void {
    this.#slab.locate(this.#index.handleOf(e), ref);
  }

  /** Removes live entry number `e` (see keyAt). */
  deleteAt(e: number): void {
    this.#drop(e);
  }

  /** Number of entries. */
  get size(): number {
    return this.#index.count;
  }

  /** Bytes accounted (slab slots plus ENTRY_OVERHEAD each). */
  get bytes(): number {
    return this.#index.bytes;
  }

  /** Bytes of slab memory held outside the V8 heap. */
  get slabBytes(): number {
    return this.#slab.allocatedBytes;
  }

  /** Hashes `key` and finds its entry (-1: none). */
  #find(key: string): number {
    return this.#index.find(key, hashKey(key));
  }

  /** For a found entry `e` (-1: none): marks it recently used and points `ref` at its bytes. */
  #use(e: number, ref: EntryRef): boolean {
    if (e < 0) return false;
    this.#index.touch(e);
    this.#slab.locate(this.#index.handleOf(e), ref);
    return true;
  }

  #evictOldest(): void {
    this.counters.evictions++;
    this.#drop(this.#index.oldest());
  }

  #drop(e: number): void {
    this.#slab.release(this.#index.handleOf(e));
    this.#index.remove(e);
  }
}
