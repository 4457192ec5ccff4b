/**
 * The forward stage: sends the query to the server group its route names, coalescing identical
 * in-flight queries, capping concurrency per group (dns-forward-max → REFUSED) and the number of
 * clients waiting in total (max-inflight → REFUSED, so overload cannot grow memory without bound),
 * and bounding the whole exchange by query-timeout (→ SERVFAIL). No servers at all → REFUSED
 * (reference §2.10).
 */
import { performance } from 'node:perf_hooks';
import { RCode } from '../wire/constants.js';
import { clampOptSize, withoutAdditional } from '../wire/opt.js';
import { questionReply } from '../wire/reply-build.js';
import { Reply, type Handler, type Outcome } from '../pipeline/types.js';
import type { Query } from '../pipeline/query.js';
import type { DomainTable } from '../routing/domain-table.js';
import type { GroupOutcome, ServerGroup } from '../upstream/group.js';
import { Inflight } from '../upstream/inflight.js';
import { unwatch, watch, type Sweepable } from '../upstream/sweeper.js';
import type { Answer } from '../upstream/outcome.js';
import { routeOf } from './route.js';

/** Options for the forward stage. */
export interface ForwardOptions {
  readonly forwardMax: number;
  /** Most clients waiting on upstreams at once (max-inflight), coalesced ones included. */
  readonly maxWaiting: number;
  readonly queryTimeoutMs: number;
  readonly ednsPacketMax: number;
}

/** Counters the forward stage keeps. */
export interface ForwardCounters {
  forwarded: number;
  refusedOverload: number;
  refusedNoServer: number;
  servfail: number;
  deadlineExceeded: number;
}

/** Result of the shared upstream work for one coalesced key. */
type Work = GroupOutcome | typeof TIMED_OUT;

const TIMED_OUT = 'deadline' as const;

/**
 * Sends through the group, bounded by the query deadline: the only promise of a forwarded query
 * (coalesced askers share it). `settled` runs synchronously when the outcome is known.
 */
function forwardWork(group: ServerGroup, q: Query, ms: number, settled: () => void): Promise<Work> {
  return new Promise((resolve) => {
    let open = true;
    const deadline = performance.now() + ms;
    const finish = (w: Work) => {
      if (!open) return;
      open = false;
      unwatch(watcher);
      settled();
      resolve(w);
    };
    // The sweeper enforces the deadline; the watcher leaves its set as soon as the work settles.
    const watcher: Sweepable = {
      sweepSlot: -1,
      sweep(now) {
        if (now < deadline) return true;
        finish(TIMED_OUT);
        return false;
      },
    };
    watch(watcher);
    group.forward(q.msg, q.p.qEnd, deadline, finish);
  });
}

/** The reply for the asker who started the work: the upstream bytes themselves. */
function leaderReply(a: Answer): Reply {
  const opt = a.layout.opt;
  return new Reply(a.wire, 'upstream', true, opt ? opt.start : -1, opt ? opt.end : -1, a.server, a.layout);
}

/**
 * The reply for askers who joined: a private copy without the upstream's OPT, whose options (a
 * server cookie, say) belong to the leader's exchange (RFC 7873 §5.3); finalize adds a fresh OPT.
 * The copy is taken here, when the work settles, because the leader's reply owns the upstream
 * bytes and finalize personalises them in place (its ID, question, RD and a cleared AD).
 */
function followerReply(a: Answer): Reply {
  const opt = a.layout.opt;
  const wire = opt ? withoutAdditional(a.wire, opt.start, opt.end) : Buffer.from(a.wire);
  return new Reply(wire, 'coalesced', true, -1, -1, a.server);
}

/** Creates the forward stage. `table` routes; its groups do the sending. */
export function createForward(opts: ForwardOptions, table: DomainTable<ServerGroup>) {
  const inflight = new Inflight<Work>();
  const counters: ForwardCounters = { forwarded: 0, refusedOverload: 0, refusedNoServer: 0, servfail: 0, deadlineExceeded: 0 };

  /** Clients waiting on upstream work, leaders and coalesced followers alike. */
  let waiting = 0;
  /** One asker waits on `work`; its reply is made when the work settles. */
  const wait = (q: Query, work: Promise<Work>, leader: boolean): Promise<Reply> => {
    waiting++;
    return work.then((w) => {
      waiting--;
      return toReply(q, w, leader);
    });
  };

  const errorReply = (q: Query, rcode: number): Reply => new Reply(questionReply(q.msg, q.p.qEnd, rcode), 'error', true, -1, -1, null);

  const toReply = (q: Query, w: Work, leader: boolean): Reply => {
    if (w === TIMED_OUT) {
      counters.deadlineExceeded++;
      counters.servfail++;
      return errorReply(q, RCode.SERVFAIL);
    }
    if (w.kind === 'answer') return leader ? leaderReply(w.answer) : followerReply(w.answer);
    if (w.lastError) return leader ? leaderReply(w.lastError) : followerReply(w.lastError);
    counters.servfail++;
    return errorReply(q, RCode.SERVFAIL);
  };

  const handler: Handler & { counters: ForwardCounters; inflight: Inflight<Work>; waiting: () => number } = {
    name: 'forward',
    counters,
    inflight,
    waiting: () => waiting,
    handle(q: Query): Outcome | Promise<Outcome> {
      const route = routeOf(q, table);
      if (route.kind !== 'forward') {
        counters.refusedNoServer++;
        return errorReply(q, RCode.REFUSED);
      }
      const group = route.group;
      if (waiting >= opts.maxWaiting) {
        counters.refusedOverload++;
        return errorReply(q, RCode.REFUSED);
      }
      const key = `${q.p.key}${q.p.edns ? '\x01' : '\x00'}${q.p.rd ? '\x01' : '\x00'}${group.id}`;
      const joined = inflight.get(key);
      if (joined) return wait(q, joined, false);
      if (group.inFlight >= opts.forwardMax) {
        group.overflows++;
        counters.refusedOverload++;
        return errorReply(q, RCode.REFUSED);
      }
      // reference §0.1 step 5: the client's UDP size is clamped before forwarding.
      if (q.p.optStart >= 0) clampOptSize(q.msg, q.p.optStart, opts.ednsPacketMax);
      counters.forwarded++;
      group.inFlight++;
      let state: 'starting' | 'registered' | 'settled' = 'starting';
      const work = forwardWork(group, q, opts.queryTimeoutMs, () => {
        group.inFlight--;
        if (state === 'registered') inflight.end(key);
        state = 'settled';
      });
      if (state === 'starting') {
        inflight.start(key, work);
        state = 'registered';
      }
      return wait(q, work, true);
    },
  };
  return handler;
}
