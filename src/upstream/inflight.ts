/**
 * Coalescing of identical in-flight queries (reference §2.7; RFC 5452 §9.1 on keeping one
 * outstanding query per question): the first asker starts the upstream work, later askers with
 * the same key wait for the same promise. The owner removes the entry as the work settles.
 */

/** A table of in-flight work keyed by query identity. */
export class Inflight<T> {
  readonly #map = new Map<string, Promise<T>>();
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
  }

  /** Forgets the work for `key`: later askers start afresh. */
  end(key: string): void {
    this.#map.delete(key);
  }
}
