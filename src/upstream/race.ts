/**
 * Sends one query to several upstreams at once and arbitrates (issue #2, DESIGN.md "all-servers"):
 * the first positive answer wins at once; a negative answer (NXDOMAIN, NODATA) wins only when every
 * server has answered or failed; SERVFAIL, REFUSED and other errors never win while another server
 * may still answer. Late replies are still read (they update RTT and health) but change nothing.
 */
import { AnswerClass, classify, type Answer, type ExchangeResult } from './outcome.js';
import type { Upstream } from './upstream.js';
import { probeOf, type SideProbe } from './side-probe.js';

/** What a race produced: the winning answer, if any, and the last error answer seen. */
export interface RaceResult {
  readonly answer: Answer | null;
  readonly lastError: Answer | null;
}

/**
 * Races `members` with the same query (over TCP with `tcp`); calls `done` once, as soon as the
 * outcome is decided. A member among `probes` already has the query: its probe is joined.
 */
export function race(
  members: readonly Upstream[], query: Buffer, qEnd: number, attemptMs: number, tcp: boolean, done: (r: RaceResult) => void,
  probes: readonly SideProbe[] | null = null,
): void {
  let left = members.length;
  let negative: Answer | null = null;
  let lastError: Answer | null = null;
  let decided = false;
  if (left === 0) {
    done({ answer: null, lastError: null });
    return;
  }
  const settle = (r: ExchangeResult) => {
    left--;
    if (decided) return;
    if (r.kind === 'answer') {
      const c = classify(r);
      if (c === AnswerClass.POSITIVE) {
        decided = true;
        done({ answer: r, lastError });
        return;
      }
      if (c === AnswerClass.NEGATIVE) negative ??= r;
      else lastError = r;
    }
    if (left === 0) {
      decided = true;
      done({ answer: negative, lastError });
    }
  };
  const wanted = () => !decided;
  for (const m of members) {
    const side = probeOf(probes, m);
    if (side !== null) side.join(settle);
    else m.exchange(query, qEnd, attemptMs, settle, wanted, tcp);
  }
}
