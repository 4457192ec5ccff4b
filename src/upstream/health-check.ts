/**
 * Active health checks (fandns `health-check=`): each checked server is asked its check's
 * question every `intervalMs` on its own UDP transport (RD set, no EDNS). A valid reply (ID and
 * question matched by the transport, readable record by record) with NOERROR or NXDOMAIN is good
 * (RFC 1035 §4.1.1: the server could answer); SERVFAIL, REFUSED, any other RCODE, a timeout
 * (upstream-timeout), a network error or a malformed reply is a failure. Results go to the
 * server's Health (rise/fall) and to its own counters, never to the client query counters.
 * One check at most is in flight per server: the next is timed from the start of the one before,
 * once it has ended. While a server is down and its checks fail, the wait doubles, up to 8 times
 * the interval and at most 30 s (never below the interval); a good check resets it. With
 * workers=N, one worker checks each server and the others hear its results (check-sharing.ts).
 */
import { performance } from 'node:perf_hooks';
import type { HealthCheckConfig, HealthCheckRule } from '../config/types.js';
import { QClass, RCode, rcodeName } from '../wire/constants.js';
import { scanMessage } from '../wire/layout.js';
import { buildQuery, type BuiltQuery } from '../wire/query-build.js';
import type { CheckSharing } from './check-sharing.js';
import type { CheckResult } from './health.js';
import type { Upstream } from './upstream.js';

/** Longest wait between two checks of a down server, unless the interval itself is longer. */
const MAX_BACKOFF_MS = 30_000;
/** The back-off stops at this many intervals. */
const BACKOFF_INTERVALS = 8;

/** Judges one check reply (or why none came): good for NOERROR and NXDOMAIN. */
export function judgeCheck(r: Buffer | 'timeout' | 'network'): CheckResult {
  if (typeof r === 'string') return { ok: false, result: r };
  if (scanMessage(r) === null) return { ok: false, result: 'malformed' };
  const rcode = r[3]! & 0x0f;
  return { ok: rcode === RCode.NOERROR || rcode === RCode.NXDOMAIN, result: rcodeName(rcode) };
}

/** The wait before the check after one that gave `ok`, the server now `up`, the previous wait `prev`. */
export function nextCheckDelay(intervalMs: number, prev: number, ok: boolean, up: boolean): number {
  if (ok || up) return intervalMs;
  const cap = Math.max(intervalMs, Math.min(MAX_BACKOFF_MS, intervalMs * BACKOFF_INTERVALS));
  return Math.min(Math.max(prev, intervalMs) * 2, cap);
}

/** A checked server: its Upstream, its check, and its registry key. */
export interface CheckTarget {
  readonly upstream: Upstream;
  readonly rule: HealthCheckRule;
  readonly key: string;
}

/** The checks of one server. */
class ServerCheck {
  readonly #query: BuiltQuery;
  #timer: NodeJS.Timeout | null = null;
  #delay: number;
  /** Bumped at each begin() and cancel(): a check in flight from before is not followed by another. */
  #round = 0;
  #active = false;

  constructor(
    readonly upstream: Upstream,
    readonly rule: HealthCheckRule,
    /** The server's registry key (what other workers know it by). */
    readonly key: string,
    private readonly settings: HealthCheckConfig,
    private readonly timeoutMs: number,
    private readonly stopped: () => boolean,
    private readonly sharing: CheckSharing | null,
  ) {
    this.#query = buildQuery(rule.name, rule.qtype, QClass.IN, true);
    this.#delay = settings.intervalMs;
  }

  /** True while this process checks the server (between begin() and cancel()). */
  get active(): boolean {
    return this.#active;
  }

  /** Starts checking: the first check now, then one each interval. */
  begin(): void {
    this.cancel();
    this.#active = true;
    this.#schedule(0);
  }

  /** Stops checking: the next check is cancelled, and one in flight ends unheard. */
  cancel(): void {
    this.#round++;
    this.#active = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Runs the next check after `ms`. */
  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#run(), ms);
    this.#timer.unref();
  }

  #run(): void {
    this.#timer = null;
    const started = performance.now();
    const round = this.#round;
    const u = this.upstream;
    u.check(this.#query.msg, this.#query.qEnd, this.timeoutMs, (reply) => {
      if (this.stopped() || round !== this.#round) return;
      const r = judgeCheck(reply);
      if (r.ok) u.stats.checksOk++;
      else u.stats.checksFailed++;
      u.health.check(r);
      this.sharing?.announce(this.key, r);
      this.#delay = nextCheckDelay(this.settings.intervalMs, this.#delay, r.ok, u.health.up);
      this.#schedule(Math.max(0, started + this.#delay - performance.now()));
    }, started);
  }
}

/** The health checks of one runtime; stop() ends them at once (a reload, or the server stopping). */
export class HealthChecks {
  readonly #servers: ServerCheck[];
  #stopped = false;

  readonly #sharing: CheckSharing | null;

  /**
   * @param targets each checked server with its check (see check-plan.ts) and its registry key
   * @param timeoutMs how long a check may wait for its reply (upstream-timeout)
   * @param sharing with workers=N, which servers this process checks and where its results go; null: it checks them all
   */
  constructor(targets: readonly CheckTarget[], readonly settings: HealthCheckConfig, timeoutMs: number, sharing: CheckSharing | null = null) {
    this.#sharing = sharing;
    this.#servers = targets.map((t) => new ServerCheck(t.upstream, t.rule, t.key, settings, timeoutMs, () => this.#stopped, sharing));
  }

  /** The checked servers and their checks. */
  get targets(): readonly CheckTarget[] {
    return this.#servers;
  }

  /** Marks each server checked and sends its first check now (of the servers this process checks). */
  start(): void {
    for (const s of this.#servers) {
      s.upstream.health.setChecked({ rise: this.settings.rise, fall: this.settings.fall });
      if (this.#mine(s)) s.begin();
    }
  }

  /**
   * With workers=N, after this process's share of the servers changed (it covers a worker being
   * replaced, or no longer): checks the servers that became its own from now, and stops checking
   * those that did not stay so.
   */
  refresh(): void {
    if (this.#stopped) return;
    for (const s of this.#servers) {
      const mine = this.#mine(s);
      if (mine && !s.active) s.begin();
      else if (!mine && s.active) s.cancel();
    }
  }

  /**
   * Another worker's check of the server known by `key`, or `times` checks in a row with the same
   * result (a worker that starts hears each server's latest run): counts as this process's own
   * for its health (not its counters).
   */
  heard(key: string, r: CheckResult, times = 1): void {
    if (this.#stopped) return;
    for (const s of this.#servers) {
      if (s.key !== key || this.#mine(s)) continue;
      for (let i = 0; i < times; i++) s.upstream.health.check(r);
    }
  }

  #mine(s: ServerCheck): boolean {
    return this.#sharing === null || this.#sharing.mine(s.key);
  }

  /** Stops every check: no more are sent, and results of those in flight are ignored. */
  stop(): void {
    this.#stopped = true;
    for (const s of this.#servers) s.cancel();
  }
}
