/**
 * Which wire lengths (1–255 bytes, RFC 1035 §2.3.4) occur among a set of names: a name whose wire
 * length none of them has cannot be among them, so the hot path rules most queries out without
 * slicing and hashing their name. Used for local names, cname aliases and domain rules.
 */

/** A set of wire-name lengths. */
export class WireLengths {
  readonly #seen = new Uint8Array(256);

  /** The lengths of `keys` (wire names, one latin1 character per byte). */
  static of(keys: Iterable<string>): WireLengths {
    const out = new WireLengths();
    for (const k of keys) out.add(k);
    return out;
  }

  /** Records the length of wire name `key`. */
  add(key: string): void {
    this.#seen[key.length] = 1;
  }

  /** False when no recorded name has this wire length. */
  has(length: number): boolean {
    return this.#seen[length] === 1;
  }
}
