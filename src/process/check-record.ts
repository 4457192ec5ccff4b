/**
 * health-check= with workers=N, in the primary: the latest result of each server's checks and how
 * many checks in a row gave it. A worker that starts serving (a replacement, or one slower to start
 * than the first checks) is handed these, so its view of each server's health begins where the
 * others' is instead of waiting for `fall` or `rise` new checks (src/upstream/check-sharing.ts).
 */
import type { CheckNote } from './cluster-ipc.js';

/** Most checks in a row a record counts: health-check-rise and -fall are at most 100. */
export const MAX_RUN = 100;

interface Run {
  readonly ok: boolean;
  readonly result: string;
  readonly times: number;
}

/** The latest check results relayed through the primary, by server key. */
export class CheckRecord {
  readonly #runs = new Map<string, Run>();

  /** Records the result of a check a worker made and relayed. */
  note(m: CheckNote): void {
    const run = this.#runs.get(m.key);
    const times = run !== undefined && run.ok === m.ok ? Math.min(MAX_RUN, run.times + 1) : 1;
    this.#runs.set(m.key, { ok: m.ok, result: m.result, times });
  }

  /** One note per server checked so far: its latest result, and in how many checks in a row it came. */
  replay(): CheckNote[] {
    return [...this.#runs].map(([key, r]) => ({ fandns: 'check', key, ok: r.ok, result: r.result, times: r.times }));
  }
}
