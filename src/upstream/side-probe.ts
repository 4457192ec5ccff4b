/**
 * The query a down server due for a probe gets on the side (group.ts): nobody waits for it, but
 * its result is kept for the query's own policy. When strict-order's turn, or the default
 * policy's race after a failed first server, comes to that server, the policy joins the probe
 * instead of sending the server the same query a second time.
 */
import type { ExchangeResult } from './outcome.js';
import type { Upstream } from './upstream.js';

/** One probe in flight (or settled) for one query. */
export class SideProbe {
  #result: ExchangeResult | null = null;
  #waiter: ((r: ExchangeResult) => void) | null = null;

  /** Sends `query` to `server` as a probe (over TCP with `tcp`) and keeps its result. */
  constructor(readonly server: Upstream, query: Buffer, qEnd: number, attemptMs: number, tcp: boolean) {
    server.exchange(query, qEnd, attemptMs, this.#settle, null, tcp);
  }

  #settle = (r: ExchangeResult): void => {
    this.#result = r;
    const w = this.#waiter;
    this.#waiter = null;
    if (w !== null) w(r);
  };

  /** Calls `done` once with the probe's result: at once if it came, else when it comes. */
  join(done: (r: ExchangeResult) => void): void {
    if (this.#result !== null) done(this.#result);
    else this.#waiter = done;
  }
}

/** The probe among `probes` sent to `server`, if any. */
export function probeOf(probes: readonly SideProbe[] | null, server: Upstream): SideProbe | null {
  if (probes === null) return null;
  for (const p of probes) if (p.server === server) return p;
  return null;
}
