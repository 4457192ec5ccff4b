/**
 * Waiting queries by 16-bit DNS ID: dense arrays plus a position index, no JS Map.
 *
 * Why not a Map: V8 rehashes a Map's table every few dozen set/delete pairs, copying the live
 * entries to a new table and leaving the old one untouched (entries included) with a pointer to
 * its successor (deps/v8/src/objects/ordered-hash-table.cc, Rehash). Once a full collection has
 * moved the table to the old generation, each new table is allocated there too, and every obsolete
 * one keeps the queries that were waiting at its rehash alive until the next full collection. With
 * one set and one delete per forwarded query, almost every query's objects were promoted: measured,
 * 20–60 % of young objects surviving instead of 1–2 %, full collections every few hundred ms, and
 * ~40k instead of ~59k forwarded queries per second. A removal here overwrites its slot.
 */

/** A table of values keyed by 16-bit ID. */
export class IdTable<T> {
  readonly #pos = new Int32Array(65536).fill(-1);
  readonly #ids: number[] = [];
  readonly #vals: (T | undefined)[] = [];
  #size = 0;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** True when `id` is present. */
  has(id: number): boolean {
    return this.#pos[id]! >= 0;
  }

  /** The value for `id`, or undefined. */
  get(id: number): T | undefined {
    const i = this.#pos[id]!;
    return i < 0 ? undefined : this.#vals[i];
  }

  /** Adds `id` (which must not be present). */
  add(id: number, value: T): void {
    const i = this.#size++;
    this.#pos[id] = i;
    this.#ids[i] = id;
    this.#vals[i] = value;
  }

  /** Removes `id` if present; the last entry moves into its place. */
  delete(id: number): void {
    const i = this.#pos[id]!;
    if (i < 0) return;
    const last = --this.#size;
    if (i !== last) {
      const moved = this.#ids[last]!;
      this.#ids[i] = moved;
      this.#vals[i] = this.#vals[last];
      this.#pos[moved] = i;
    }
    this.#vals[last] = undefined;
    this.#pos[id] = -1;
  }

  /** The ID at dense position `i` (0 ≤ i < size); positions change as entries are removed. */
  idAt(i: number): number {
    return this.#ids[i]!;
  }

  /** The value at dense position `i`. */
  valueAt(i: number): T {
    return this.#vals[i]!;
  }
}
