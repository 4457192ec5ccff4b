/**
 * A value per domain, looked up by the longest configured domain a query name is at or below.
 * Keys are lower-cased wire names as latin1 strings (the form of `Query.p.key`), so a lookup walks
 * the name's label boundaries and probes only suffixes whose wire length some domain has.
 */
import { encodeName } from '../wire/name.js';
import { WireLengths } from '../wire/name-lengths.js';

/** Domain → value, matched on whole labels. */
export class SuffixMap<V> {
  readonly #byKey = new Map<string, V>();
  readonly #lengths = new WireLengths();

  /** Builds the map from dotted domain names (canonical, lower case). */
  constructor(entries: Iterable<readonly [string, V]>) {
    for (const [domain, value] of entries) {
      const key = encodeName(domain).toString('latin1');
      this.#byKey.set(key, value);
      this.#lengths.add(key);
    }
  }

  /** True when no domain is configured. */
  get empty(): boolean {
    return this.#byKey.size === 0;
  }

  /**
   * The value of the longest domain that `key` (a wire name key, possibly followed by other bytes)
   * is at or below, looking at its first `nameLen` bytes; undefined when none is.
   */
  longest(key: string, nameLen: number): V | undefined {
    for (let off = 0; off < nameLen - 1; off += key.charCodeAt(off) + 1) {
      if (!this.#lengths.has(nameLen - off)) continue;
      const v = this.#byKey.get(key.slice(off, nameLen));
      if (v !== undefined) return v;
    }
    return undefined;
  }
}
