/**
 * Cache storage: an LRU map from key strings to entry strings, bounded by entry count
 * (`cache-size`) and by bytes (`cache-max-bytes`, counting key and entry lengths plus a fixed
 * per-entry overhead). Knows nothing about DNS beyond "strings".
 */
import { LRUCache } from 'lru-cache';

/** Estimated bytes per entry beyond its key and value characters (map slot, list slots, headers). */
export const ENTRY_OVERHEAD = 96;

/** Counters the store keeps. */
export interface StoreCounters {
  insertions: number;
  /** Live entries pushed out to make room (LRU eviction). */
  evictions: number;
}

/** The LRU store. */
export class CacheStore {
  readonly counters: StoreCounters = { insertions: 0, evictions: 0 };
  readonly #lru: LRUCache<string, string>;

  constructor(maxEntries: number, maxBytes: number) {
    this.#lru = new LRUCache<string, string>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (v, k) => v.length + k.length + ENTRY_OVERHEAD,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.counters.evictions++;
      },
    });
  }

  /** The entry for `key` (marking it recently used), or undefined. */
  get(key: string): string | undefined {
    return this.#lru.get(key);
  }

  /** Stores an entry, evicting least recently used ones as needed. */
  set(key: string, value: string): void {
    this.counters.insertions++;
    this.#lru.set(key, value);
  }

  /** Removes one entry. */
  delete(key: string): void {
    this.#lru.delete(key);
  }

  /** Removes everything. */
  clear(): void {
    this.#lru.clear();
  }

  /** Number of entries. */
  get size(): number {
    return this.#lru.size;
  }

  /** Bytes accounted (see ENTRY_OVERHEAD). */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }
}
