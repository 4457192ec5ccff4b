/**
 * Runs one query through the chain and produces the bytes to send: personalised by finalize(),
 * truncated for UDP clients whose limit it exceeds (and for TCP clients past the 65535 bytes of a
 * frame), and reported to the tap (query log, metrics). Anything a handler throws becomes SERVFAIL
 * and an error log line; it never reaches the socket code. Returns the bytes when the chain
 * answered synchronously (cache hits, local answers); otherwise returns LATER and hands the bytes
 * to `client.reply` when they are ready (no promise for the listener to wait on: each promise hop
 * costs a microtask and a thenable check).
 */
import { MAX_MESSAGE, RCode } from '../wire/constants.js';
import { questionReply } from '../wire/reply-build.js';
import { finalize, truncate, udpLimit } from './finalize.js';
import type { Query } from './query.js';
import { DROP, Reply, type Next, type Outcome } from './types.js';

/** Observes every answered (or dropped) query: its outcome, the reply's size and bytes (null: none); must not throw or block. */
export type Tap = (q: Query, reply: Reply | null, bytes: number, out: Buffer | null) => void;

/** The final bytes for the client, or null for no reply. */
export type Dispatched = Buffer | null;

/** Returned when the reply will be delivered through the query's `client.reply`. */
export const LATER = undefined;

/** Queries whose replies are still to be delivered (the server drains them before it stops). */
export interface PendingCount {
  n: number;
}

/** Dispatcher options. */
export interface DispatchOptions {
  readonly ednsPacketMax: number;
  readonly onError: (err: unknown, q: Query) => void;
  readonly tap: Tap | null;
  /** Counted up while a query waits for its asynchronous reply. */
  readonly pending: PendingCount;
}

/** Creates the dispatch function for a chain. */
export function createDispatcher(chain: Next, opts: DispatchOptions): (q: Query) => Dispatched | typeof LATER {
  const { ednsPacketMax, onError, tap, pending } = opts;

  const servfail = (q: Query, err: unknown): Reply => {
    onError(err, q);
    return new Reply(questionReply(q.msg, q.p.qEnd, RCode.SERVFAIL), 'error', true, -1, -1, null);
  };

  const emit = (q: Query, o: Outcome): Dispatched => {
    if (o === DROP) {
      tap?.(q, null, 0, null);
      return null;
    }
    let out = finalize(o, q, ednsPacketMax);
    if (out.length > (q.client.protocol === 'udp' ? udpLimit(q, ednsPacketMax) : MAX_MESSAGE)) out = truncate(out, q, ednsPacketMax);
    tap?.(q, o, out.length, out);
    return out;
  };

  const deliver = (q: Query, o: Outcome): void => {
    pending.n--;
    let out: Dispatched;
    try {
      out = emit(q, o);
    } catch (err) {
      onError(err, q);
      out = null;
    }
    q.client.reply(out);
  };

  return (q) => {
    let o: Outcome | PromiseLike<Outcome>;
    try {
      o = chain(q);
    } catch (err) {
      return emit(q, servfail(q, err));
    }
    if (o instanceof Reply || o === DROP) return emit(q, o);
    pending.n++;
    o.then(
      (r) => deliver(q, r),
      (err: unknown) => deliver(q, servfail(q, err)),
    );
    return LATER;
  };
}
