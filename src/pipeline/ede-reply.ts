/** Replies that carry an Extended DNS Error (RFC 8914) for clients that used EDNS. */
import { withEdeOpt } from '../wire/opt.js';
import type { Query } from './query.js';
import { Reply, type ReplySource } from './types.js';

/**
 * The client's reply made of `wire` (no OPT record yet): for an EDNS client with an OPT that
 * advertises `udpSize` and carries EDE `infoCode` (RFC 8914 §2), for others as it is.
 */
export function edeReply(q: Query, wire: Buffer, source: ReplySource, upstream: string | null, udpSize: number, infoCode: number): Reply {
  if (!q.p.edns) return new Reply(wire, source, true, -1, -1, upstream);
  const out = withEdeOpt(wire, udpSize, q.p.dnssecOk, infoCode);
  return new Reply(out, source, true, wire.length, out.length, upstream);
}
