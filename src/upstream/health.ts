/**
 * Health of one upstream. Passive: consecutive failures (timeouts, network errors, malformed
 * replies) mark it down; while down it is skipped if its group has a server that is up, and every
 * so often a real query is also sent to it as a probe (backing off from 0.5 s to 30 s); any valid
 * reply brings it back. Active (fandns `health-check=`): a checked server is also marked down by
 * `fall` failed checks in a row, comes back only after `rise` good checks in a row, and gets no
 * real query as a probe (health-check.ts sends the checks). Also keeps a smoothed round-trip time
 * for the "fastest" policy.
 */

/** Consecutive failures that mark a server down. */
export const FAILURES_TO_DOWN = 3;
const FIRST_PROBE_MS = 500;
const MAX_PROBE_MS = 30_000;

/** The result of one health check: good or not, and what came back (an RCODE name, or why nothing did). */
export interface CheckResult {
  readonly ok: boolean;
  readonly result: string;
}

/** The hysteresis of a checked server. */
export interface CheckThresholds {
  /** Good checks in a row that bring a down server back. */
  readonly rise: number;
  /** Failed checks in a row that mark an up server down. */
  readonly fall: number;
}

/** What a reload carries over of a server's health: plain data (no callback, nothing it reaches). */
export interface HealthState {
  readonly up: boolean;
  readonly consecutiveFailures: number;
  readonly rttMs: number;
  readonly checkOks: number;
  readonly checkFails: number;
  readonly lastCheck: CheckResult | null;
}

/** Called when up/down flips, with the new state and why (for the log line). */
export type HealthChange = (up: boolean, why: string) => void;

/** Health state of one upstream. */
export class Health {
  up = true;
  consecutiveFailures = 0;
  /** Smoothed RTT in ms (EWMA, weight 0.3 on each sample); NaN until the first reply. */
  rttMs = Number.NaN;
  /** Good health checks in a row (0 after a failed one, or after passive failures marked it down). */
  checkOks = 0;
  /** Failed health checks in a row. */
  checkFails = 0;
  /** The latest health check's result, or null: none yet. */
  lastCheck: CheckResult | null = null;
  /** Rise and fall while active checks run on this server, or null: passive health only. */
  #checks: CheckThresholds | null = null;
  #probeDelay = FIRST_PROBE_MS;
  #nextProbe = 0;

  /** @param onChange called whenever up/down flips */
  constructor(private readonly onChange: HealthChange = () => {}) {}

  /** True while active checks decide when this server comes back. */
  get checked(): boolean {
    return this.#checks !== null;
  }

  /** Makes the server checked with these thresholds (null: passive health only, as before). */
  setChecked(thresholds: CheckThresholds | null): void {
    this.#checks = thresholds;
  }

  /** The state a reload carries over (see resume). */
  snapshot(): HealthState {
    return {
      up: this.up, consecutiveFailures: this.consecutiveFailures, rttMs: this.rttMs,
      checkOks: this.checkOks, checkFails: this.checkFails, lastCheck: this.lastCheck,
    };
  }

  /**
   * Takes over `prev`, the same server's state in a runtime this one replaces (a reload): up or
   * down, the smoothed RTT and the check counts, so a reload neither sends clients to a server
   * known to be down nor forgets which server is fastest. A down server is due for a probe at
   * once, so a server fixed before the reload is found again without waiting out the back-off.
   */
  resume(prev: HealthState): void {
    this.up = prev.up;
    this.consecutiveFailures = prev.consecutiveFailures;
    this.rttMs = prev.rttMs;
    this.checkOks = prev.checkOks;
    this.checkFails = prev.checkFails;
    this.lastCheck = prev.lastCheck;
  }

  /**
   * Records a valid reply (any RCODE) and its round-trip time (NaN: no sample, the smoothed RTT
   * stays). It brings a down server back only when the server is not checked.
   */
  success(rttMs: number): void {
    this.consecutiveFailures = 0;
    if (!Number.isNaN(rttMs)) this.rttMs = Number.isNaN(this.rttMs) ? rttMs : this.rttMs * 0.7 + rttMs * 0.3;
    if (!this.up && this.#checks === null) this.#flip(true, 'it answered a query');
  }

  /** Records a failed exchange (`reason`: timeout, network, malformed…). */
  failure(now: number, reason = 'failure'): void {
    this.consecutiveFailures++;
    if (this.up && this.consecutiveFailures >= FAILURES_TO_DOWN) {
      this.#nextProbe = now + FIRST_PROBE_MS;
      // A checked server marked down by queries needs `rise` good checks from now on.
      this.checkOks = 0;
      this.#flip(false, `${this.consecutiveFailures} queries in a row failed (last: ${reason})`);
    }
  }

  /**
   * Records a health check's result: `fall` failures in a row mark an up server down, `rise`
   * good ones in a row bring a down server back. Ignored unless the server is checked.
   */
  check(r: CheckResult): void {
    const t = this.#checks;
    if (t === null) return;
    this.lastCheck = r;
    if (r.ok) {
      this.checkFails = 0;
      this.checkOks++;
      if (!this.up && this.checkOks >= t.rise) {
        this.consecutiveFailures = 0;
        this.#flip(true, `${this.checkOks} health checks in a row were good (last: ${r.result})`);
      }
      return;
    }
    this.checkOks = 0;
    this.checkFails++;
    if (this.up && this.checkFails >= t.fall) this.#flip(false, `${this.checkFails} health checks in a row failed (last: ${r.result})`);
  }

  /** True (once per back-off period) when a down, unchecked server should get a probe query. */
  probeDue(now: number): boolean {
    if (this.up || this.#checks !== null || now < this.#nextProbe) return false;
    this.#probeDelay = Math.min(this.#probeDelay * 2, MAX_PROBE_MS);
    this.#nextProbe = now + this.#probeDelay;
    return true;
  }

  #flip(up: boolean, why: string): void {
    this.up = up;
    this.#probeDelay = FIRST_PROBE_MS;
    this.onChange(up, why);
  }
}
