/**
 * What the cluster primary serves on metrics-address. /metrics: every worker's registry (as
 * prom-client JSON) and the primary's own, combined by prom-client's AggregatorRegistry.aggregate
 * with each metric's aggregator: counters, histograms and most gauges are summed, build info is
 * taken once, upstream health is the minimum (up only if every worker has it up). /health: the
 * workers' upstream states merged the same way, with each worker's own status.
 *
 * The primary asks the workers itself instead of using AggregatorRegistry.clusterMetrics(): that
 * one also asks workers still starting, which cannot answer yet, and then fails the whole scrape.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** The /health body of one server (FandnsServer.health). */
export interface HealthBody {
  readonly status: 'ok' | 'degraded';
  readonly upstreams: readonly {
    readonly server: string; readonly up: boolean; readonly looped?: boolean; readonly rttMs: number | null;
    readonly checked?: boolean; readonly lastCheck?: { readonly ok: boolean; readonly result: string } | null;
    readonly addresses?: readonly string[];
  }[];
}

/** The primary's /health body. */
export interface ClusterHealth extends HealthBody {
  readonly workers: readonly { readonly pid: number; readonly status: 'ok' | 'degraded' }[];
}

/**
 * The primary's own metrics: its process, the workers serving, the restarts so far, and the
 * admin-api changes (counted here once, not by each worker: theirs stay 0 and the sum is this).
 */
export class PrimaryMetrics {
  readonly registry = new Registry();
  readonly #restarts: Counter;

  constructor(serving: () => number, adminChanges: () => number = () => 0) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'fandns_workers', help: 'Worker processes serving queries (workers=).', registers: [this.registry],
      collect() {
        this.set(serving());
      },
    });
    new Counter({
      name: 'fandns_admin_rule_changes_total', help: 'Runtime rules set or removed over admin-api.', registers: [this.registry],
      collect() {
        this.reset();
        this.inc(adminChanges());
      },
    });
    this.#restarts = new Counter({ name: 'fandns_worker_restarts_total', help: 'Workers restarted after they died.', registers: [this.registry] });
  }

  /** Counts one restart. */
  restarted(): void {
    this.#restarts.inc();
  }

  /** Prometheus text for the workers' metrics (getMetricsAsJSON results) and the primary's. */
  async text(workers: readonly object[]): Promise<string> {
    return AggregatorRegistry.aggregate([...workers, await this.registry.getMetricsAsJSON()]).metrics();
  }
}

/** A check result as /health shows it. */
type LastCheck = { readonly ok: boolean; readonly result: string } | null;

/**
 * Merges the workers' health: an upstream is up only if every worker has it up, looped if any
 * worker has it looped, checked if any worker checks it (each worker sends its own checks);
 * rttMs is the mean; lastCheck is a failed one if any worker's latest check failed; a server
 * named by host name has every address some worker looked its name up to (each looks up on its own).
 */
export function mergeHealth(byPid: ReadonlyMap<number, HealthBody>): ClusterHealth {
  const merged = new Map<string, { up: boolean; looped: boolean; rtts: number[]; checked: boolean; lastCheck: LastCheck; addresses: Set<string> | null }>();
  for (const h of byPid.values()) {
    for (const u of h.upstreams) {
      const m = merged.get(u.server) ?? { up: true, looped: false, rtts: [], checked: false, lastCheck: null, addresses: null };
      if (u.addresses !== undefined) {
        m.addresses ??= new Set();
        for (const a of u.addresses) m.addresses.add(a);
      }
      m.up &&= u.up;
      m.looped ||= u.looped === true;
      m.checked ||= u.checked === true;
      const last = u.lastCheck ?? null;
      if (last !== null && (m.lastCheck === null || (m.lastCheck.ok && !last.ok))) m.lastCheck = last;
      if (u.rttMs !== null) m.rtts.push(u.rttMs);
      merged.set(u.server, m);
    }
  }
  const upstreams = [...merged].map(([server, m]) => ({
    server,
    up: m.up,
    looped: m.looped,
    rttMs: m.rtts.length ? Math.round((m.rtts.reduce((a, b) => a + b, 0) / m.rtts.length) * 100) / 100 : null,
    checked: m.checked,
    lastCheck: m.lastCheck,
    ...(m.addresses !== null ? { addresses: [...m.addresses] } : {}),
  }));
  const workers = [...byPid].map(([pid, h]) => ({ pid, status: h.status }));
  const status = byPid.size > 0 && upstreams.every((u) => u.up && !u.looped) ? 'ok' : 'degraded';
  return { status, workers, upstreams };
}
