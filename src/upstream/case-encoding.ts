/**
 * do-0x20-encode for one server's UDP queries (draft-vixie-dnsext-dns0x20-00; the wire helpers are
 * in wire/case-0x20.ts): each query name goes out in random case, and a reply that echoes another
 * case is dropped like a forgery. A server that does not keep case is found out by
 * CASE_MISSES_TO_STOP such replies in a row: the last one is taken, encoding stops for that
 * server, and its owner is told once.
 */
import { HEADER_SIZE } from '../wire/constants.js';
import { mixCase, sameCase } from '../wire/case-0x20.js';
import { random16 } from './random.js';

/**
 * Replies in a row that echo the question in another case before a server is taken not to keep
 * case: its names go out as asked from then on, and the last such reply counts.
 */
const CASE_MISSES_TO_STOP = 3;

/** The 0x20 state of one server's transport. */
export class CaseEncoding {
  /** True while names are sent in random case (the option is on and the server keeps case). */
  on: boolean;
  /** Replies in a row that echoed the question in another case. */
  #misses = 0;
  #onNoCase: (() => void) | null;

  /** @param onNoCase called once if the server turns out not to echo the case of names */
  constructor(on: boolean, onNoCase: (() => void) | null) {
    this.on = on;
    this.#onNoCase = onNoCase;
  }

  /** Turns encoding on or off (a reload), the count of misses starting again. */
  set(on: boolean): void {
    this.on = on;
    this.#misses = 0;
  }

  /** Replaces what is told when the server turns out not to echo case (a reload that hands the transport on). */
  setOnNoCase(onNoCase: (() => void) | null): void {
    this.#onNoCase = onNoCase;
  }

  /** Sets random case on the name of `wire`, a query whose question ends at `qEnd`, in place. */
  mix(wire: Buffer, qEnd: number): void {
    mixCase(wire, HEADER_SIZE, qEnd - 4, random16);
  }

  /**
   * True when `reply` must be dropped: it echoes the question of `sent` (ending at `qEnd`) in
   * another case than it was sent. The third in a row (no reply between kept the case) is taken,
   * and encoding stops.
   */
  drops(reply: Buffer, sent: Buffer, qEnd: number): boolean {
    if (sameCase(reply, sent, HEADER_SIZE, qEnd - 4)) {
      this.#misses = 0;
      return false;
    }
    if (++this.#misses < CASE_MISSES_TO_STOP) return true;
    this.on = false;
    this.#onNoCase?.();
    return false;
  }
}
