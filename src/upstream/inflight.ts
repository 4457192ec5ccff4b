/**
 * Coalescing of identical in-flight queries (reference §2.7; RFC 5452 §9.1 on keeping one
 * outstanding query per question): the first asker starts the upstream work, later askers with
 * the same key wait for the same promise. The owner removes the entry as the work settles.
 *
 * The table is a JS Map replaced by a fresh copy every RENEW_EVERY registrations. A long-lived Map
 * with one set and one delete per forwarded query keeps short-lived objects alive after a full
 * collection (see upstream/id-table.ts); a Map that lives only a few thousand operations stays in
 * the young generation with its tables. (A dictionary-mode object avoided that too, but every key
 * then went through V8's string table: ~5 % of the miss profile.)
 */

/** Registrations after which the Map is replaced by a copy of its live entries. */
const RENEW_EVERY = 1024;

/** A table of in-flight work keyed by query identity. */
export class Inflight<T> {
  #map = new Map<string, Promise<T>>();
  #ops = 0;
  /** Number of askers that joined existing work (for metrics). */
  joined = 0;

  /** Number of distinct keys in flight. */
  get size(): number {
    return this.#map.size;
  }

  /** The existing promise for `key`, or null. */
  get(key: string): Promise<T> | null {
    const p = this.#map.get(key);
    if (p === undefined) return null;
    this.joined++;
    return p;
  }

  /** Registers work for `key` (which must not be in flight); the owner calls end() when it settles. */
  start(key: string, work: Promise<T>): void {
    this.#map.set(key, work);
    if (++this.#ops >= RENEW_EVERY) {
      this.#ops = 0;
      this.#map = new Map(this.#map);
    }
  }

  /** Forgets the work for `key`: later askers start afresh. */
  end(key: string): void {
    this.#map.delete(key);
  }
}
