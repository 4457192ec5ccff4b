/**
 * Coalescing of identical in-flight queries (reference §2.7; RFC 5452 §9.1 on keeping one
 * outstanding query per question): the first asker starts the upstream work, later askers with
 * the same key wait for the same promise. The owner removes the entry as the work settles.
 *
 * The table is a dictionary-mode object, not a JS Map: one set and one delete per forwarded query
 * on a Map keeps short-lived objects alive after a full collection (see upstream/id-table.ts).
 */

/** An object without prototype, switched to dictionary mode at once (no hidden class per key). */
function dictionary<V>(): Record<string, V> {
  const o = Object.create(null) as Record<string, V>;
  o['x'] = undefined as V;
  delete o['x'];
  return o;
}

/** A table of in-flight work keyed by query identity. */
export class Inflight<T> {
  readonly #map: Record<string, Promise<T> | undefined> = dictionary();
  #size = 0;
  /** Number of askers that joined existing work (for metrics). */
  joined = 0;

  /** Number of distinct keys in flight. */
  get size(): number {
    return this.#size;
  }

  /** The existing promise for `key`, or null. */
  get(key: string): Promise<T> | null {
    const p = this.#map[key];
    if (p === undefined) return null;
    this.joined++;
    return p;
  }

  /** Registers work for `key` (which must not be in flight); the owner calls end() when it settles. */
  start(key: string, work: Promise<T>): void {
    if (this.#map[key] === undefined) this.#size++;
    this.#map[key] = work;
  }

  /** Forgets the work for `key`: later askers start afresh. */
  end(key: string): void {
    if (this.#map[key] === undefined) return;
    this.#size--;
    delete this.#map[key];
  }
}
