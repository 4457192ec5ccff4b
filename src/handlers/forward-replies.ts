/**
 * The replies the forward stage hands back for one upstream answer: the leader's (the asker who
 * started the work) owns the upstream bytes, each follower (an asker who joined) gets a copy. With
 * EDNS rewriting configured (add-subnet, add-mac…) each asker's reply is made per rewritten query:
 * its ECS option and whether the cache may keep it (src/edns/reply.ts).
 */
import { Buffer } from 'node:buffer';
import { withoutAdditional } from '../wire/opt.js';
import { ednsReply } from '../edns/reply.js';
import type { Rewritten } from '../edns/rewriter.js';
import { Reply } from '../pipeline/types.js';
import type { Answer } from '../upstream/outcome.js';

/** The reply for the asker who started the work: the upstream bytes themselves. */
export function leaderReply(a: Answer): Reply {
  const opt = a.layout.opt;
  return new Reply(a.wire, 'upstream', true, opt ? opt.start : -1, opt ? opt.end : -1, a.server, a.layout);
}

/** The follower's private copy: without the upstream's OPT (see followerReply). */
function followerWire(a: Answer): Buffer {
  const opt = a.layout.opt;
  return opt ? withoutAdditional(a.wire, opt.start, opt.end) : Buffer.from(a.wire);
}

/**
 * The reply for askers who joined: a private copy without the upstream's OPT, whose options (a
 * server cookie, say) belong to the leader's exchange (RFC 7873 §5.3); finalize adds a fresh OPT.
 * The copy is taken here, when the work settles, because the leader's reply owns the upstream
 * bytes and finalize personalises them in place (its ID, question, RD and a cleared AD).
 */
export function followerReply(a: Answer): Reply {
  return new Reply(followerWire(a), 'coalesced', true, -1, -1, a.server);
}

/**
 * The reply for an asker whose query went upstream rewritten as `sent`: as leaderReply or
 * followerReply, with the ECS option its client is owed and the cache's verdict. `udpSize` is
 * advertised by an OPT record made here.
 */
export function rewrittenReply(a: Answer, sent: Rewritten, leader: boolean, udpSize: number): Reply {
  const opt = a.layout.opt;
  const base = leader ? a.wire : followerWire(a);
  const r = ednsReply(base, leader && opt ? opt.start : -1, sent, udpSize);
  const layout = leader && !r.edited ? a.layout : null;
  return new Reply(r.wire, leader ? 'upstream' : 'coalesced', true, r.optStart, r.optEnd, a.server, layout, false, 0, r.cacheable);
}
