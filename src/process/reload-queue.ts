/**
 * Reloads run one at a time, each possibly waiting for conf-scripts to run. A reload asked for
 * while another runs waits for it; while one waits, a further request replaces it (the newest
 * wins), so a burst of SIGHUPs (consul-template rewriting several files) makes at most one more
 * reload after the one that runs.
 */

/** One reload: resolves once it is applied or refused. */
export type ReloadTask = () => Promise<void>;

/** Serialises reloads. */
export class ReloadQueue {
  #tail: Promise<void> = Promise.resolve();
  #next: ReloadTask | null = null;

  /** `onError` hears a task that threw (a refused configuration is not thrown: the task logs it). */
  constructor(private readonly onError: (err: Error) => void) {}

  /** Runs `task` after the reload in progress, replacing one still waiting; resolves when the reload that ran for it ends. */
  request(task: ReloadTask): Promise<void> {
    const queued = this.#next !== null;
    this.#next = task;
    if (queued) return this.#tail;
    this.#tail = this.#tail.then(() => {
      const t = this.#next!;
      this.#next = null;
      return t();
    }).catch((err: Error) => this.onError(err));
    return this.#tail;
  }
}
