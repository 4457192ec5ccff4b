/**
 * conf-script= under workers=N: the primary runs each script once and hands its output to every
 * worker, so a slow or changing script (a download) runs once a load, not once a process, and
 * every worker loads the same rules. The primary keeps the outputs of its last run: from its own
 * load at start, then from each SIGHUP, when it runs the scripts (gather-scripts.ts, without
 * blocking) and then sends every serving worker the outputs to reload with. A worker forked while
 * the primary holds outputs asks for them before it loads the configuration (SCRIPTS_ENV); one
 * that started on outputs older than the primary's gets the newer ones once it serves. After a
 * run in which a script failed (every worker refused that reload and runs on), a worker that
 * starts takes the last outputs without a failure, as its siblings did.
 */
import type { Worker } from 'node:cluster';
import { ScriptOutputs } from '../config/script-outputs.js';
import type { Logger } from '../log/logger.js';
import { toWorker } from './cluster-ipc.js';
import { ReloadQueue } from './reload-queue.js';

/** Environment variable telling a forked worker to ask the primary for the conf-scripts' outputs. */
export const SCRIPTS_ENV = 'FANDNS_CONF_SCRIPTS';

/** The cluster primary's conf-script outputs. */
export class ClusterScripts {
  /** The last run's outputs. */
  #outputs: ScriptOutputs;
  /** The last run's outputs in which no script failed: what a starting worker loads with. */
  #usable: ScriptOutputs;
  /** Bumped at each SIGHUP's run. */
  #version = 0;
  /** The version each worker loaded with (at fork, or when it asked). */
  readonly #had = new WeakMap<Worker, number>();
  readonly #reloads: ReloadQueue;

  /**
   * @param outputs what the primary's own load at start ran
   * @param gather runs the scripts of the configuration on the command line (gatherScripts)
   */
  constructor(
    outputs: ScriptOutputs,
    private readonly gather: () => Promise<ScriptOutputs>,
    private readonly log: Logger,
  ) {
    this.#outputs = outputs;
    this.#usable = outputs;
    this.#reloads = new ReloadQueue((err) => log.error({ err: err.message }, 'reload failed'));
  }

  /** The environment to fork a worker with: told to ask for the outputs when there are any. */
  forkEnv(): Record<string, string> {
    return this.#usable.size > 0 ? { [SCRIPTS_ENV]: '1' } : {};
  }

  /** Records that `worker` was forked now. */
  forked(worker: Worker): void {
    this.#had.set(worker, this.#version);
  }

  /** Answers a worker's ScriptsAsk. */
  answer(worker: Worker): void {
    this.#had.set(worker, this.#version);
    toWorker(worker, { fandns: 'scripts', reload: false, results: this.#usable.results });
  }

  /** A worker counts as serving: if it loaded with outputs older than the primary's, it reloads with these. */
  nowServing(worker: Worker): void {
    if (this.#had.get(worker) !== this.#version) this.#reloadOne(worker);
  }

  /**
   * SIGHUP: runs the scripts (one reload at a time; a burst of SIGHUPs makes one more), then has
   * every worker in `serving()` reload with their outputs. A failed script is among the outputs,
   * and each worker refuses the configuration as it would have for its own run.
   */
  reload(serving: () => Worker[]): Promise<void> {
    return this.#reloads.request(async () => {
      this.#outputs = await this.gather().catch((err: Error) => {
        this.log.error({ err: err.message }, 'conf-script: the scripts did not run in the main process; each worker runs them');
        return new ScriptOutputs();
      });
      if (!this.#outputs.anyFailed) this.#usable = this.#outputs;
      this.#version++;
      for (const w of serving()) this.#reloadOne(w);
    });
  }

  #reloadOne(worker: Worker): void {
    this.#had.set(worker, this.#version);
    toWorker(worker, { fandns: 'scripts', reload: true, results: this.#outputs.results });
  }
}
