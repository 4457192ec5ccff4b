/**
 * The walk over a cache store that keeps the entries a judge accepts and drops the rest: in
 * place (the new runtime took the store over), most recently used first, as those are the ones
 * likely asked for before the walk reaches them; or copied into a new store (cache-size or
 * cache-max-bytes changed), least recently used first, so that a smaller store keeps the most
 * recently used (nothing is answered from an entry before it is copied). It runs in slices of
 * at most SLICE_MS, one per event-loop turn, so that queries are answered between them; the first
 * slice runs at once, so a small cache is done before the reload returns. Measured with
 * bench/keep-reload.ts on 1,000,000 entries: README "Reload and restart with a warm cache".
 */
import { performance } from 'node:perf_hooks';
import { EntryRef } from '../cache/slab.js';
import type { CacheStore } from '../cache/store.js';

/** Longest a slice of the walk holds the event loop. */
export const SLICE_MS = 10;
/** Entries between two looks at the clock. */
const CHECK_EVERY = 512;

/** What a finished walk did. */
export interface KeepCounts {
  readonly kept: number;
  readonly dropped: number;
  /** Wall time from the start to the end of the walk, slices and the waits between them. */
  readonly ms: number;
  /** Event-loop turns it took. */
  readonly slices: number;
}

/** One walk: see the file comment. */
export class KeepPass {
  readonly #order: Int32Array;
  readonly #ref = new EntryRef();
  readonly #started = performance.now();
  #i = 0;
  #kept = 0;
  #dropped = 0;
  #slices = 0;
  #timer: NodeJS.Immediate | null = null;
  #done = false;

  /**
   * @param from the store walked
   * @param to where kept entries are: `from` itself (dropped ones are deleted), or a new store
   *   they are copied into (unless it holds the key already: a newer answer)
   * @param keep the judge, given an entry's key
   * @param onDone called once, when the walk has ended
   */
  constructor(
    private readonly from: CacheStore,
    private readonly to: CacheStore,
    private readonly keep: (key: string) => boolean,
    private readonly onDone: (c: KeepCounts) => void,
  ) {
    this.#order = from === to ? from.order().reverse() : from.order();
  }

  /** True once every entry was judged. */
  get done(): boolean {
    return this.#done;
  }

  /** Runs the first slice now and schedules the others. */
  start(): this {
    this.#slice();
    return this;
  }

  /** Judges every entry left, now (a second reload or a stop comes while the walk runs). */
  finish(): void {
    if (this.#done) return;
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = null;
    this.#run(Infinity);
  }

  #slice(): void {
    this.#timer = null;
    if (this.#run(performance.now() + SLICE_MS)) return;
    this.#timer = setImmediate(() => this.#slice());
  }

  /** Judges entries until `until` (performance.now() ms) or the end; true when done. */
  #run(until: number): boolean {
    this.#slices++;
    const { from, to, keep } = this;
    const order = this.#order;
    const inPlace = from === to;
    while (this.#i < order.length) {
      const end = Math.min(order.length, this.#i + CHECK_EVERY);
      for (; this.#i < end; this.#i++) {
        const e = order[this.#i]!;
        const key = from.keyAt(e);
        if (key === null) continue;
        if (keep(key)) {
          this.#kept++;
          if (!inPlace && !to.has(key)) {
            from.entryAt(e, this.#ref);
            to.set(key, this.#ref.buf.subarray(this.#ref.start, this.#ref.end));
          }
        } else {
          this.#dropped++;
          if (inPlace) from.deleteAt(e);
        }
      }
      if (performance.now() >= until) return false;
    }
    this.#done = true;
    this.onDone({ kept: this.#kept, dropped: this.#dropped, ms: performance.now() - this.#started, slices: this.#slices });
    return true;
  }
}
