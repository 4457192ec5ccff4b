/**
 * How long the cluster primary waits before restarting a worker that died: a short pause after a
 * worker that ran for a while, doubling with every quick death after that, so a crash loop costs
 * a restart every `maxMs` instead of spinning.
 */

/** Restart delays for one worker slot. */
export class RestartBackoff {
  #quickDeaths = 0;

  /**
   * @param baseMs delay after a worker that ran for at least `stableMs`
   * @param maxMs the longest delay
   * @param stableMs a worker that ran this long counts as healthy: the delay starts over
   */
  constructor(
    readonly baseMs = 200,
    readonly maxMs = 30_000,
    readonly stableMs = 10_000,
  ) {}

  /** The delay before restarting a worker that ran for `ranMs`. */
  next(ranMs: number): number {
    if (ranMs >= this.stableMs) this.#quickDeaths = 0;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.#quickDeaths);
    this.#quickDeaths = Math.min(this.#quickDeaths + 1, 30);
    return delay;
  }
}
