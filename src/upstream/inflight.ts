/**
 * Coalescing of identical in-flight queries (reference §2.7; RFC 5452 §9.1 on keeping one
 * outstanding query per question): the first asker starts the upstream work, later askers with
 * the same question join it. Work is filed under the hash of the query's cache key (a small
 * integer: the Map hashes no string), with everything sharing that hash chained behind it: the
 * variants of one key (EDNS, RD, server group) and, rarely, other keys; the caller compares.
 *
 * The table is a JS Map replaced by a fresh copy every RENEW_EVERY registrations. A long-lived Map
 * with one set and one delete per forwarded query keeps short-lived objects alive after a full
 * collection (see upstream/id-table.ts); a Map that lives only a few thousand operations stays in
 * the young generation with its tables. (A dictionary-mode object avoided that too, but every key
 * then went through V8's string table: ~5 % of the miss profile.)
 */

/** Registrations after which the Map is replaced by a copy of its live entries. */
const RENEW_EVERY = 1024;

/** Work in flight: filed under `hash` (a uint32), linked to the other work with the same hash. */
export interface Chained<T> {
  readonly hash: number;
  /** The next work with the same hash (managed by Inflight). */
  next: T | null;
}

/** The Map key for a hash: 30 bits, so V8 keeps it a small integer (no heap number). */
const slot = (hash: number): number => hash & 0x3fffffff;

/** A table of in-flight work keyed by query identity. */
export class Inflight<T extends Chained<T>> {
  #map = new Map<number, T>();
  #ops = 0;

  /** Number of distinct hashes in flight. */
  get size(): number {
    return this.#map.size;
  }

  /** The first work filed under `hash` (follow `next` for the others), or null. */
  first(hash: number): T | null {
    return this.#map.get(slot(hash)) ?? null;
  }

  /** Files `work` (not yet filed); its owner calls remove() when it settles. */
  add(work: T): void {
    const k = slot(work.hash);
    work.next = this.#map.get(k) ?? null;
    this.#map.set(k, work);
    if (++this.#ops >= RENEW_EVERY) {
      this.#ops = 0;
      this.#map = new Map(this.#map);
    }
  }

  /** Forgets `work`: later askers start afresh. */
  remove(work: T): void {
    const k = slot(work.hash);
    const head = this.#map.get(k);
    if (head === work) {
      if (work.next === null) this.#map.delete(k);
      else this.#map.set(k, work.next);
    } else {
      for (let w = head ?? null; w !== null; w = w.next) {
        if (w.next !== work) continue;
        w.next = work.next;
        break;
      }
    }
    work.next = null;
  }
}
