/**
 * What became of the configuration reloads (SIGHUP): how many were applied and how many refused,
 * whether the latest one was applied, and when the configuration in force was last loaded. It
 * feeds /metrics (Prometheus's own `*_config_last_reload_successful` pattern, so one alert rule
 * catches a typo that the running process refused) and the SIGUSR1 statistics.
 */

/** The reload counts as /metrics and SIGUSR1 report them. */
export interface ReloadCounts {
  /** Reloads applied. */
  readonly ok: number;
  /** Reloads refused (the configuration could not be read or built); the previous one stayed. */
  readonly failed: number;
  /** False while the latest reload was refused; true after start-up and after an applied reload. */
  readonly lastSuccessful: boolean;
  /** Unix time (seconds) the configuration in force was loaded: start-up or the latest applied reload. */
  readonly loadedAt: number;
  /** Why the latest reload was refused, while it is the latest; null otherwise. */
  readonly lastError: string | null;
}

/** Counts the reloads of one server; `now` gives the Unix time in milliseconds. */
export class ReloadRecord {
  #ok = 0;
  #failed = 0;
  #loadedAt: number;
  #lastError: string | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.#loadedAt = now() / 1000;
  }

  /** A reload was applied. */
  applied(): void {
    this.#ok++;
    this.#loadedAt = this.now() / 1000;
    this.#lastError = null;
  }

  /** A reload was refused because of `why`. */
  refused(why: string): void {
    this.#failed++;
    this.#lastError = why;
  }

  /** The counts now. */
  get counts(): ReloadCounts {
    return { ok: this.#ok, failed: this.#failed, lastSuccessful: this.#lastError === null, loadedAt: this.#loadedAt, lastError: this.#lastError };
  }
}
