/**
 * Passive health of one upstream: consecutive failures (timeouts, network errors, malformed
 * replies) mark it down; while down it is skipped if its group has a server that is up, and every
 * so often a real query is also sent to it as a probe (backing off from 0.5 s to 30 s); any valid
 * reply brings it back. Also keeps a smoothed round-trip time for the "fastest" policy.
 */

/** Consecutive failures that mark a server down. */
export const FAILURES_TO_DOWN = 3;
const FIRST_PROBE_MS = 500;
const MAX_PROBE_MS = 30_000;

/** What a reload carries over of a server's health: plain data (no callback, nothing it reaches). */
export interface HealthState {
  readonly up: boolean;
  readonly consecutiveFailures: number;
  readonly rttMs: number;
}

/** Health state of one upstream. */
export class Health {
  up = true;
  consecutiveFailures = 0;
  /** Smoothed RTT in ms (EWMA, weight 0.3 on each sample); NaN until the first reply. */
  rttMs = Number.NaN;
  #probeDelay = FIRST_PROBE_MS;
  #nextProbe = 0;

  /** @param onChange called with the new state whenever up/down flips */
  constructor(private readonly onChange: (up: boolean) => void = () => {}) {}

  /** The state a reload carries over (see resume). */
  snapshot(): HealthState {
    return { up: this.up, consecutiveFailures: this.consecutiveFailures, rttMs: this.rttMs };
  }

  /**
   * Takes over `prev`, the same server's state in a runtime this one replaces (a reload): up or
   * down and the smoothed RTT, so a reload neither sends clients to a server known to be down nor
   * forgets which server is fastest. A down server is due for a probe at once, so a server fixed
   * before the reload is found again without waiting out the back-off.
   */
  resume(prev: HealthState): void {
    this.up = prev.up;
    this.consecutiveFailures = prev.consecutiveFailures;
    this.rttMs = prev.rttMs;
  }

  /** Records a valid reply (any RCODE) and its round-trip time (NaN: no sample, the smoothed RTT stays). */
  success(rttMs: number): void {
    this.consecutiveFailures = 0;
    if (!Number.isNaN(rttMs)) this.rttMs = Number.isNaN(this.rttMs) ? rttMs : this.rttMs * 0.7 + rttMs * 0.3;
    if (!this.up) {
      this.up = true;
      this.#probeDelay = FIRST_PROBE_MS;
      this.onChange(true);
    }
  }

  /** Records a failed exchange. */
  failure(now: number): void {
    this.consecutiveFailures++;
    if (this.up && this.consecutiveFailures >= FAILURES_TO_DOWN) {
      this.up = false;
      this.#probeDelay = FIRST_PROBE_MS;
      this.#nextProbe = now + this.#probeDelay;
      this.onChange(false);
    }
  }

  /** True (once per back-off period) when a down server should get a probe query. */
  probeDue(now: number): boolean {
    if (this.up || now < this.#nextProbe) return false;
    this.#probeDelay = Math.min(this.#probeDelay * 2, MAX_PROBE_MS);
    this.#nextProbe = now + this.#probeDelay;
    return true;
  }
}
