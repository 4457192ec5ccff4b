/**
 * Runs one query through the chain and produces the bytes to send: personalised by finalize(),
 * truncated for UDP clients whose limit it exceeds, and reported to the tap (query log, metrics).
 * Anything a handler throws becomes SERVFAIL and an error log line; it never reaches the socket
 * code. Returns synchronously when the chain did (cache hits, local answers).
 */
import { RCode } from '../wire/constants.js';
import { questionReply } from '../wire/reply-build.js';
import { finalize, truncate, udpLimit } from './finalize.js';
import type { Query } from './query.js';
import { DROP, Reply, type Next, type Outcome } from './types.js';

/** Observes every answered (or dropped) query; must not throw or block. */
export type Tap = (q: Query, reply: Reply | null, bytes: number) => void;

/** The final bytes for the client, or null for no reply. */
export type Dispatched = Buffer | null;

/** Dispatcher options. */
export interface DispatchOptions {
  readonly ednsPacketMax: number;
  readonly onError: (err: unknown, q: Query) => void;
  readonly tap: Tap | null;
}

/** Creates the dispatch function for a chain. */
export function createDispatcher(chain: Next, opts: DispatchOptions): (q: Query) => Dispatched | Promise<Dispatched> {
  const { ednsPacketMax, onError, tap } = opts;

  const servfail = (q: Query, err: unknown): Reply => {
    onError(err, q);
    return new Reply(questionReply(q.msg, q.p.qEnd, RCode.SERVFAIL), 'error', true, -1, -1, null);
  };

  const emit = (q: Query, o: Outcome): Dispatched => {
    if (o === DROP) {
      tap?.(q, null, 0);
      return null;
    }
    let out = finalize(o, q, ednsPacketMax);
    if (q.client.protocol === 'udp' && out.length > udpLimit(q, ednsPacketMax)) out = truncate(out, q, ednsPacketMax);
    tap?.(q, o, out.length);
    return out;
  };

  return (q) => {
    let o: Outcome | Promise<Outcome>;
    try {
      o = chain(q);
    } catch (err) {
      return emit(q, servfail(q, err));
    }
    if (o instanceof Reply || o === DROP) return emit(q, o);
    return o.then(
      (r) => emit(q, r),
      (err: unknown) => emit(q, servfail(q, err)),
    );
  };
}
