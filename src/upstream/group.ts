/**
 * A server group: the servers configured for one domain (or the defaults), with the policy that
 * sends its queries and its own dns-forward-max budget (reference §2.6: per group since 2.86).
 *
 * Policies (issue #2):
 * - fastest (default): the healthy server with the lowest smoothed RTT; every 50th query or after
 *   20 s all servers are raced to re-measure; on failure or SERVFAIL/REFUSED the others are raced.
 * - strict-order: servers in config order (down ones last); the next on timeout, SERVFAIL or
 *   REFUSED; when all fail, the last error answer is returned, never silence.
 * - all-servers: every server at once, arbitrated by race().
 * - merge-answers (fandns): every server at once, every reply awaited, positive answers merged
 *   (merge.ts).
 * Down servers are skipped while another is up, except for a periodic probe (health.ts): the
 * query goes to them too, and nobody waits for their reply (awaitedOf); a policy that comes to one
 * of them later for the same query joins that exchange (side-probe.ts). Servers
 * that dns-loop-detect found looping are not used at all (`usable`); with none left the forward
 * stage answers REFUSED, as with no server.
 */
import { performance } from 'node:perf_hooks';
import type { UpstreamPolicy } from '../config/types.js';
import { AnswerClass, classify, type Answer, type ExchangeResult } from './outcome.js';
import { race } from './race.js';
import { gather, mergeOutcome } from './merge.js';
import { TICK_MS } from './sweeper.js';
import { probeOf, SideProbe } from './side-probe.js';
import type { Upstream } from './upstream.js';

/** What forwarding through a group produced. */
export type GroupOutcome =
  | { readonly kind: 'answer'; readonly answer: Answer }
  /** Every server failed; `lastError` is the last error answer (SERVFAIL/REFUSED…) if any came. */
  | { readonly kind: 'failed'; readonly lastError: Answer | null };

/** Shortest attempt merge-answers makes (upstream-timeout's own minimum). */
const MIN_ATTEMPT_MS = 50;

/** What the groups count together. */
export interface GroupTally {
  /** Replies built from several servers' answers (merge-answers). */
  merges: number;
}

const PROBE_EVERY_QUERIES = 50;
const PROBE_EVERY_MS = 20_000;

/** True when some server has no RTT yet (a plain loop: this runs for every forwarded query). */
function unmeasured(servers: readonly Upstream[]): boolean {
  for (let i = 0; i < servers.length; i++) if (Number.isNaN(servers[i]!.health.rttMs)) return true;
  return false;
}

/**
 * The servers a query that goes to all of `live` at once waits for: the up ones, or all of them
 * when none is up. The others, down servers due for a probe, get the query only to see whether
 * they are back (their reply counts for health, never for the client): otherwise a dead server
 * would hold up one client for the whole attempt at every probe.
 */
function awaitedOf(live: readonly Upstream[]): readonly Upstream[] {
  let up = 0;
  for (let i = 0; i < live.length; i++) if (live[i]!.health.up) up++;
  return up === 0 || up === live.length ? live : live.filter((m) => m.health.up);
}

/**
 * Sends the probes among `live` (those not in `awaited`), over TCP with `tcp`. Nobody waits for
 * them; a policy that comes to one of those servers later joins its probe (null: none sent).
 */
function probe(live: readonly Upstream[], awaited: readonly Upstream[], query: Buffer, qEnd: number, attemptMs: number, tcp: boolean): SideProbe[] | null {
  if (awaited === live) return null;
  const probes: SideProbe[] = [];
  for (const m of live) if (!awaited.includes(m)) probes.push(new SideProbe(m, query, qEnd, attemptMs, tcp));
  return probes;
}

/** One server group. */
export class ServerGroup {
  /** Forwarded queries currently in flight through this group. */
  inFlight = 0;
  /** Queries refused because inFlight reached dns-forward-max. */
  overflows = 0;
  #sinceProbe = 0;
  #lastProbe = Number.NEGATIVE_INFINITY;
  /** The members not marked looped, in config order (the members themselves while none is). */
  #usable: readonly Upstream[];

  /**
   * @param id distinct per group within one registry (coalescing keys use it)
   * @param members the servers, in config order
   */
  constructor(
    readonly id: number,
    readonly members: readonly Upstream[],
    readonly policy: UpstreamPolicy,
    readonly attemptMs: number,
    /** Counters every group of a registry (and the registries after it) adds to. */
    readonly tally: GroupTally = { merges: 0 },
    /** force-tcp: every exchange goes over TCP, not UDP first. */
    readonly tcp = false,
  ) {
    this.#usable = members;
    this.refresh();
  }

  /** The servers the policies may use: every member not marked looped. */
  get usable(): readonly Upstream[] {
    return this.#usable;
  }

  /** Re-reads the members' looped marks (the registry calls it when one changes). */
  refresh(): void {
    const members = this.members;
    this.#usable = members.some((m) => m.looped) ? members.filter((m) => !m.looped) : members;
  }

  /**
   * The servers the default policy races once `best` failed: every other one, but not those that
   * health checks hold down (health-check=: only a good check brings them back, so their reply
   * could not, and they fail their checks), unless no other server is left.
   */
  #others(best: Upstream): readonly Upstream[] {
    const rest = this.#usable.filter((m) => m !== best);
    const open = rest.filter((m) => m.health.up || !m.health.checked);
    return open.length > 0 ? open : rest;
  }

  /** Servers to use now: the up ones plus any down one due for a probe; all if none is up. */
  live(now: number): readonly Upstream[] {
    const members = this.#usable;
    let down = 0;
    for (let i = 0; i < members.length; i++) if (!members[i]!.health.up) down++;
    if (down === 0 || down === members.length) return members; // the usual case: no copy
    const up = members.filter((m) => m.health.up);
    for (const m of members) if (!m.health.up && m.health.probeDue(now)) up.push(m);
    return up;
  }

  /**
   * Sends the query by this group's policy and calls `done` once with the outcome. No further
   * server is tried once `deadline` (performance.now() ms: the query-timeout) has passed;
   * attempts under way finish. `now` is performance.now() when the caller has just read it.
   */
  forward(query: Buffer, qEnd: number, deadline: number, done: (o: GroupOutcome) => void, now = performance.now()): void {
    if (this.policy === 'strict-order') this.#strict(query, qEnd, deadline, done, now);
    else if (this.policy === 'all-servers') this.#all(query, qEnd, done, now);
    else if (this.policy === 'merge-answers') this.#merge(query, qEnd, deadline, done, now);
    else this.#fastest(query, qEnd, deadline, done, now);
  }

  /**
   * merge-answers: each attempt ends two sweeper ticks before the query deadline at the latest, so
   * the answers that came are merged before the forward stage gives up on the query.
   */
  #merge(query: Buffer, qEnd: number, deadline: number, done: (o: GroupOutcome) => void, now: number): void {
    const attemptMs = Math.max(MIN_ATTEMPT_MS, Math.min(this.attemptMs, deadline - now - 2 * TICK_MS));
    gather(this.#awaited(query, qEnd, attemptMs, now), query, qEnd, attemptMs, this.tcp, (answers) => {
      const r = mergeOutcome(answers);
      if (r.merged) this.tally.merges++;
      done(r.outcome);
    });
  }

  #all(query: Buffer, qEnd: number, done: (o: GroupOutcome) => void, now: number): void {
    race(this.#awaited(query, qEnd, this.attemptMs, now), query, qEnd, this.attemptMs, this.tcp, (r) =>
      // all-servers: when every server failed the client gets SERVFAIL, not one server's error.
      done(r.answer ? { kind: 'answer', answer: r.answer } : { kind: 'failed', lastError: null }));
  }

  #strict(query: Buffer, qEnd: number, deadline: number, done: (o: GroupOutcome) => void, now: number): void {
    // Down servers come last, a probe among them included: it gets the query on the side at once,
    // and its turn takes that exchange's result rather than asking it again.
    const live = this.live(now);
    const awaited = awaitedOf(live);
    const probes = probe(live, awaited, query, qEnd, this.attemptMs, this.tcp);
    const usable = this.#usable;
    const order = [...usable.filter((m) => awaited.includes(m)), ...usable.filter((m) => !awaited.includes(m))];
    let lastError: Answer | null = null;
    const attempt = (i: number): void => {
      if (i >= order.length || performance.now() >= deadline) return done({ kind: 'failed', lastError });
      const next = (r: ExchangeResult): void => {
        if (r.kind === 'answer') {
          if (classify(r) !== AnswerClass.ERROR) return done({ kind: 'answer', answer: r });
          lastError = r;
        }
        attempt(i + 1);
      };
      const side = probeOf(probes, order[i]!);
      if (side !== null) side.join(next);
      else order[i]!.exchange(query, qEnd, this.attemptMs, next, null, this.tcp);
    };
    attempt(0);
  }

  #fastest(query: Buffer, qEnd: number, deadline: number, done: (o: GroupOutcome) => void, now: number): void {
    // A down server due for a probe gets the query on the side: the choice below is among the
    // servers that are up, and would otherwise leave it unasked until a re-measuring race. The
    // race after a failed first server joins that probe rather than asking the server again.
    const all = this.live(now);
    const live = awaitedOf(all);
    const probes = probe(all, live, query, qEnd, this.attemptMs, this.tcp);
    if (live.length > 1 && (unmeasured(live) || ++this.#sinceProbe >= PROBE_EVERY_QUERIES || now - this.#lastProbe > PROBE_EVERY_MS)) {
      this.#sinceProbe = 0;
      this.#lastProbe = now;
      race(live, query, qEnd, this.attemptMs, this.tcp, (r) =>
        done(r.answer ? { kind: 'answer', answer: r.answer } : { kind: 'failed', lastError: r.lastError }));
      return;
    }
    let best = live[0]!;
    for (const m of live) if (m.health.up && (!best.health.up || m.health.rttMs < best.health.rttMs)) best = m;
    best.exchange(query, qEnd, this.attemptMs, (first) => {
      if (first.kind === 'answer' && classify(first) !== AnswerClass.ERROR) return done({ kind: 'answer', answer: first });
      const firstError = first.kind === 'answer' ? first : null;
      if (performance.now() >= deadline) return done({ kind: 'failed', lastError: firstError });
      race(this.#others(best), query, qEnd, this.attemptMs, this.tcp, (r) =>
        done(r.answer ? { kind: 'answer', answer: r.answer } : { kind: 'failed', lastError: r.lastError ?? firstError }), probes);
    }, null, this.tcp, now);
  }

  /**
   * The servers a query sent now waits on (awaitedOf the live ones), once the probes among the
   * live ones have been sent the query on the side.
   */
  #awaited(query: Buffer, qEnd: number, attemptMs: number, now: number): readonly Upstream[] {
    const live = this.live(now);
    const awaited = awaitedOf(live);
    probe(live, awaited, query, qEnd, attemptMs, this.tcp);
    return awaited;
  }
}
