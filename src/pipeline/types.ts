/**
 * The pipeline contract (shared/DESIGN.md "The path of a query"): a handler receives a Query and
 * the rest of the chain, and *returns* a Reply (or DROP); it never writes to a socket. Static and
 * cache-hit paths stay synchronous; only handlers that wait return a thenable (a Promise, or the
 * forward stage's Later, whose reactions run as soon as the upstream answers).
 */
import type { MessageLayout } from '../wire/layout.js';
import type { Query } from './query.js';

/** Where an answer came from, as logged and counted. */
export type ReplySource = 'local' | 'cache' | 'stale' | 'upstream' | 'coalesced' | 'blocked' | 'error';

/**
 * A complete DNS message for the client, before personalisation. Its question may differ from
 * the client's in letter case and its ID is arbitrary; the dispatcher writes the client's ID and
 * question bytes and fixes EDNS for the client (see finalize.ts).
 */
export class Reply {
  /**
   * @param wire the message bytes
   * @param source where it came from
   * @param owned false when `wire` is shared (coalesced or cached) and must be copied before edits
   * @param optStart offset of the OPT record in `wire`, or -1
   * @param optEnd offset just past the OPT record, or -1
   * @param upstream `address#port` of the server that answered, or null
   * @param layout where the records of `wire` are, when the producer already scanned it
   * @param personalised true when `wire` was built for this query's client already (its ID,
   *   question, flags and OPT), so finalize has nothing to do
   * @param aliasHops how many leading answer records are cname= aliases' own CNAMEs (0: none);
   *   the cache keeps their TTLs as they are and lets the rest decide the entry's lifetime
   * @param cacheable false for an answer meant for its asker only (one tailored to the client's
   *   subnet or MAC address by add-subnet or add-mac): the cache must not keep it
   */
  constructor(
    readonly wire: Buffer,
    readonly source: ReplySource,
    readonly owned: boolean,
    readonly optStart: number,
    readonly optEnd: number,
    readonly upstream: string | null,
    readonly layout: MessageLayout | null = null,
    readonly personalised = false,
    readonly aliasHops = 0,
    readonly cacheable = true,
  ) {}

  /** The 4-bit RCODE in the header. */
  get rcode(): number {
    return this.wire[3]! & 0x0f;
  }

  /** Number of answer records. */
  get answerCount(): number {
    return (this.wire[6]! << 8) | this.wire[7]!;
  }
}

/** Returned by a handler that decides the client gets no reply at all. */
export const DROP = Symbol('drop');
export type Drop = typeof DROP;

/** What a handler produces. */
export type Outcome = Reply | Drop;

/** The rest of the chain, as seen by one handler. */
export type Next = (q: Query) => Outcome | PromiseLike<Outcome>;

/** One pipeline stage. `name` is the config family it implements (acl, local, cname, cache, forward). */
export interface Handler {
  readonly name: string;
  handle(q: Query, next: Next): Outcome | PromiseLike<Outcome>;
}
