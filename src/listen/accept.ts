/**
 * Shared by the UDP and TCP listeners: parse the raw query, answer malformed ones directly
 * (FORMERR / NOTIMP / BADVERS, or silence for packets that must not be answered) and hand valid
 * ones to the dispatcher.
 */
import { performance } from 'node:perf_hooks';
import { RCode } from '../wire/constants.js';
import { parseQuery, QueryFault } from '../wire/query-parse.js';
import { badVersionReply, headerOnlyReply } from '../wire/reply-build.js';
import { scanMessage } from '../wire/layout.js';
import { withOpt } from '../wire/opt.js';
import type { Dispatched, LATER } from '../pipeline/dispatch.js';
import { Query, type Client } from '../pipeline/query.js';

/** Counters for queries rejected before the pipeline. */
export interface AcceptCounters {
  dropped: number;
  formerr: number;
  notimp: number;
  badvers: number;
}

/** Creates a fresh counters object. */
export function acceptCounters(): AcceptCounters {
  return { dropped: 0, formerr: 0, notimp: 0, badvers: 0 };
}

/**
 * Adds an OPT record to an error reply when the query carried one and its structure can be read
 * (RFC 6891 §7: a responder that understands EDNS includes OPT in replies to EDNS queries).
 */
function withOptIfEdns(reply: Buffer, msg: Buffer, ednsPacketMax: number): Buffer {
  const layout = scanMessage(msg);
  return layout?.opt ? withOpt(reply, ednsPacketMax, false) : reply;
}

/**
 * Turns one received message into the bytes to send back (or null), or LATER when the reply will
 * go through `client.reply`; `timed` stamps its arrival.
 */
export function acceptQuery(
  msg: Buffer,
  client: Client,
  dispatch: (q: Query) => Dispatched | typeof LATER,
  counters: AcceptCounters,
  ednsPacketMax: number,
  timed = true,
): Dispatched | typeof LATER {
  const p = parseQuery(msg);
  if (typeof p === 'number') {
    switch (p) {
      case QueryFault.DROP:
        counters.dropped++;
        return null;
      case QueryFault.NOTIMP:
        counters.notimp++;
        return withOptIfEdns(headerOnlyReply(msg, RCode.NOTIMP), msg, ednsPacketMax);
      case QueryFault.BADVERS:
        counters.badvers++;
        return badVersionReply(msg, ednsPacketMax);
      default:
        counters.formerr++;
        return withOptIfEdns(headerOnlyReply(msg, RCode.FORMERR), msg, ednsPacketMax);
    }
  }
  // The arrival time feeds only the query log and latency metrics: skip the clock read without them.
  return dispatch(new Query(msg, p, client, timed ? performance.now() : 0));
}
