/**
 * The forward stage: sends the query to the server group its route names, coalescing identical
 * in-flight queries, capping concurrency per group (dns-forward-max → REFUSED) and the number of
 * clients waiting in total (max-inflight → REFUSED, so overload cannot grow memory without bound),
 * and bounding the whole exchange by query-timeout (→ SERVFAIL). No servers at all, or none left
 * that dns-loop-detect has not marked looped → REFUSED (reference §2.10), with Extended DNS Error 14
 * "Not Ready" for EDNS clients as dnsmasq 2.90 sends it. Without proxy-dnssec the AD bit of
 * every upstream answer is cleared before anyone (cache, clients) sees it.
 */
import { performance } from 'node:perf_hooks';
import { FLAG3, RCode } from '../wire/constants.js';
import { clampOptSize, EdeCode } from '../wire/opt.js';
import { edeReply } from '../pipeline/ede-reply.js';
import { questionReply } from '../wire/reply-build.js';
import { Later } from '../pipeline/later.js';
import { Reply, type Handler, type Outcome } from '../pipeline/types.js';
import type { Query } from '../pipeline/query.js';
import type { DomainTable } from '../routing/domain-table.js';
import type { GroupOutcome, ServerGroup } from '../upstream/group.js';
import { Inflight, type Chained } from '../upstream/inflight.js';
import { unwatch, watch, type Sweepable } from '../upstream/sweeper.js';
import type { EdnsRewriter, Rewritten } from '../edns/rewriter.js';
import { followerReply, leaderReply, rewrittenReply } from './forward-replies.js';
import { routeOf } from './route.js';

/** Options for the forward stage. */
export interface ForwardOptions {
  readonly forwardMax: number;
  /** Most clients waiting on upstreams at once (max-inflight), coalesced ones included. */
  readonly maxWaiting: number;
  readonly queryTimeoutMs: number;
  readonly ednsPacketMax: number;
  /** proxy-dnssec: upstream AD bits are passed on; false: cleared (fandns does not validate). */
  readonly proxyDnssec: boolean;
  /** The EDNS options added to or removed from forwarded queries (add-subnet, add-mac…), or null: none. */
  readonly edns: EdnsRewriter | null;
  /**
   * Told of each forwarded question its servers gave no answer to (log-debug), or null: the
   * query-timeout passed (`deadline`), or every server failed or answered with an error (`failed`,
   * with the last error RCODE if one came).
   */
  readonly unanswered?: ((q: Query, group: ServerGroup, why: 'deadline' | 'failed', lastRcode: number | null) => void) | null;
}

/** Counters the forward stage keeps. */
export interface ForwardCounters {
  forwarded: number;
  refusedOverload: number;
  refusedNoServer: number;
  servfail: number;
  deadlineExceeded: number;
  /** Askers that joined identical work already in flight. */
  coalesced: number;
}

/** Forward counters at zero. */
const forwardCounters = (): ForwardCounters => ({ forwarded: 0, refusedOverload: 0, refusedNoServer: 0, servfail: 0, deadlineExceeded: 0, coalesced: 0 });

/** Result of the shared upstream work for one coalesced key. */
type Work = GroupOutcome | typeof TIMED_OUT;

const TIMED_OUT = 'deadline' as const;

/** Counters, coalescing table and waiting count: what the stage shares with its jobs. */
class ForwardState {
  readonly inflight = new Inflight<Job>();
  /** Clients waiting on upstream work, leaders and coalesced followers alike. */
  waiting = 0;

  constructor(
    readonly counters: ForwardCounters,
    readonly ednsPacketMax: number,
    readonly proxyDnssec: boolean,
    readonly unanswered: ForwardOptions['unanswered'] = null,
  ) {}

  /** The reply for one asker once the work settled; `sent` is its query as rewritten for upstreams, if it was. */
  toReply(q: Query, w: Work, leader: boolean, sent: Rewritten | null): Reply {
    if (w === TIMED_OUT) {
      this.counters.deadlineExceeded++;
      this.counters.servfail++;
      return errorReply(q, RCode.SERVFAIL);
    }
    const a = w.kind === 'answer' ? w.answer : w.lastError;
    if (a !== null) {
      if (sent !== null) return rewrittenReply(a, sent, leader, this.ednsPacketMax);
      return leader ? leaderReply(a) : followerReply(a);
    }
    this.counters.servfail++;
    return errorReply(q, RCode.SERVFAIL);
  }
}

/** An asker who joined work another query started. */
interface Follower {
  readonly q: Query;
  readonly reply: Later<Reply>;
  readonly sent: Rewritten | null;
}

/**
 * One forwarded question: sends through the group, bounded by the query deadline (the sweeper
 * enforces it), and answers its leader and any followers synchronously when the outcome is known.
 */
class Job implements Sweepable, Chained<Job> {
  sweepSlot = -1;
  next: Job | null = null;
  /** True once filed in the coalescing table (work that settles at once never is). */
  filed = false;
  #open = true;
  #followers: Follower[] | null = null;
  /** The group's callback. */
  readonly done = (o: GroupOutcome): void => this.#finish(o);

  constructor(
    readonly state: ForwardState,
    readonly q: Query,
    readonly group: ServerGroup,
    readonly deadline: number,
    /** The leader's reply. */
    readonly reply: Later<Reply>,
    /** The leader's query as rewritten for upstreams (EDNS options), or null: sent as it came. */
    readonly sent: Rewritten | null,
  ) {}

  /** The hash of the leader's cache key: what the coalescing table files the job under. */
  get hash(): number {
    return this.q.p.keyHash;
  }

  /** False once the outcome is known. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * True when `q` asks the same as this job's leader: cache key, EDNS, RD, server group and the
   * client-specific EDNS options that go upstream (`identity`: a subnet, a MAC; see rewriter.ts).
   */
  matches(q: Query, group: ServerGroup, identity: string): boolean {
    const p = this.q.p;
    return this.group === group && p.edns === q.p.edns && p.rd === q.p.rd && p.key === q.p.key && (this.sent?.identity ?? '') === identity;
  }

  /** Adds an asker; its reply is made when the work settles. */
  join(q: Query, sent: Rewritten | null): Later<Reply> {
    const reply = new Later<Reply>();
    (this.#followers ??= []).push({ q, reply, sent });
    return reply;
  }

  sweep(now: number): boolean {
    if (now < this.deadline) return true;
    this.#finish(TIMED_OUT);
    return false;
  }

  #finish(w: Work): void {
    if (!this.#open) return;
    this.#open = false;
    unwatch(this);
    this.group.inFlight--;
    const state = this.state;
    if (this.filed) state.inflight.remove(this);
    if (!state.proxyDnssec && w !== TIMED_OUT) {
      const a = w.kind === 'answer' ? w.answer : w.lastError;
      if (a !== null) a.wire[3] = a.wire[3]! & ~FLAG3.AD;
    }
    if (state.unanswered != null && (w === TIMED_OUT || w.kind === 'failed')) {
      state.unanswered(this.q, this.group, w === TIMED_OUT ? 'deadline' : 'failed', w === TIMED_OUT ? null : (w.lastError?.rcode ?? null));
    }
    // Followers first: each reply is delivered as it resolves, and the leader's is personalised in
    // place, so the followers' copies of the upstream bytes must be taken before it is.
    const followers = this.#followers;
    if (followers !== null) {
      for (const f of followers) {
        state.waiting--;
        f.reply.resolve(state.toReply(f.q, w, false, f.sent));
      }
    }
    state.waiting--;
    this.reply.resolve(state.toReply(this.q, w, true, this.sent));
  }
}

const errorReply = (q: Query, rcode: number): Reply => new Reply(questionReply(q.msg, q.p.qEnd, rcode), 'error', true, -1, -1, null);

/**
 * Creates the forward stage. `table` routes; its groups do the sending. `counters` may be a
 * replaced runtime's, to go on counting in them.
 */
export function createForward(opts: ForwardOptions, table: DomainTable<ServerGroup>, counters: ForwardCounters = forwardCounters()) {
  const state = new ForwardState(counters, opts.ednsPacketMax, opts.proxyDnssec, opts.unanswered);
  const edns = opts.edns;
  const { inflight } = state;

  const handler: Handler & { counters: ForwardCounters; inflight: Inflight<Job>; waiting: () => number } = {
    name: 'forward',
    counters,
    inflight,
    waiting: () => state.waiting,
    handle(q: Query): Outcome | PromiseLike<Outcome> {
      const route = routeOf(q, table);
      if (route.kind !== 'forward' || route.group.usable.length === 0) {
        counters.refusedNoServer++;
        return edeReply(q, questionReply(q.msg, q.p.qEnd, RCode.REFUSED), 'error', null, opts.ednsPacketMax, EdeCode.NOT_READY);
      }
      const group = route.group;
      if (state.waiting >= opts.maxWaiting) {
        counters.refusedOverload++;
        return errorReply(q, RCode.REFUSED);
      }
      const sent = edns === null ? null : edns.rewrite(q);
      const identity = sent === null ? '' : sent.identity;
      for (let j = inflight.first(q.p.keyHash); j !== null; j = j.next) {
        if (!j.matches(q, group, identity)) continue;
        counters.coalesced++;
        state.waiting++;
        return j.join(q, sent);
      }
      if (group.inFlight >= opts.forwardMax) {
        group.overflows++;
        counters.refusedOverload++;
        return errorReply(q, RCode.REFUSED);
      }
      // reference §0.1 step 5: the client's UDP size is clamped before forwarding. A rewrite keeps
      // the OPT record where it was (or adds one advertising 512 bytes).
      const msg = sent === null ? q.msg : sent.msg;
      if (q.p.optStart >= 0) clampOptSize(msg, q.p.optStart, opts.ednsPacketMax);
      counters.forwarded++;
      group.inFlight++;
      state.waiting++;
      const reply = new Later<Reply>();
      const now = performance.now();
      const job = new Job(state, q, group, now + opts.queryTimeoutMs, reply, sent);
      watch(job);
      group.forward(msg, q.p.qEnd, job.deadline, job.done, now);
      // Work that settled at once (no server could be tried) is not filed for others to join.
      if (job.open) {
        inflight.add(job);
        job.filed = true;
      }
      return reply;
    },
  };
  return handler;
}
