/**
 * Coalescing of identical in-flight queries (reference §2.7; RFC 5452 §9.1 on keeping one
 * outstanding query per question): the first asker starts the upstream work, later askers with
 * the same key wait for the same promise. The entry is removed when the work settles.
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

  /** Starts work for `key` (which must not be in flight) and tracks it until it settles. */
  start(key: string, work: Promise<T>): Promise<T> {
    this.#map.set(key, work);
    const clear = () => {
      if (this.#map.get(key) === work) this.#map.delete(key);
    };
    work.then(clear, clear);
    return work;
  }
}
