/**
 * admin-api under workers=N: the primary keeps the runtime rules (the same RuntimeRules a single
 * process keeps) and every serving worker holds a copy. A change is validated and logged by the
 * primary as in a single process, then sent to every serving worker as its whole set of rules;
 * the answer waits until each applied it. If one fails or stays silent, the primary goes back to
 * the rules before, tells every serving worker so, and answers 500 naming the worker; or 400
 * with the worker's reason when its configuration refused the rules, as a single process would.
 * A worker gets the rules at fork (in its environment, before it binds) and again when it
 * reports that it listens, if they changed meanwhile, before the primary counts it as serving. Requests run one
 * at a time, start-up syncs among them, so no worker misses a change. With admin-rules-file the
 * primary reads the rules from it before the first fork and writes it after each change.
 */
import type { Worker } from 'node:cluster';
import { answerRules } from '../admin/rules-admin.js';
import type { AdminAnswer } from '../admin/rules-http.js';
import type { AdminRequest } from '../admin/rules-request.js';
import { keepRulesIn, readRulesFile } from '../admin/rules-file.js';
import { RuntimeRules, type RuleView } from '../admin/runtime-rules.js';
import type { Logger } from '../log/logger.js';
import { WorkerRefusal, type WorkerRequests } from './cluster-ipc.js';
import { AdminRequestError } from '../admin/rules-request.js';

/** Environment variable through which a forked worker gets the rules in force (JSON RuleView[]). */
export const ADMIN_RULES_ENV = 'FANDNS_ADMIN_RULES';

/** Longest rules JSON passed in the environment (Linux caps one variable at 128 KiB); longer ones come only by IPC. */
const MAX_ENV_CHARS = 100_000;

/** How long each worker has to apply a change. */
export const RULES_TIMEOUT_MS = 5000;

/** The rules a worker was forked with (ADMIN_RULES_ENV), none when absent; throws on text that is not a list. */
export function readForkRules(env: NodeJS.ProcessEnv): RuleView[] {
  const text = env[ADMIN_RULES_ENV];
  if (text === undefined || text === '') return [];
  const rules: unknown = JSON.parse(text);
  if (!Array.isArray(rules)) throw new Error(`${ADMIN_RULES_ENV} is not a list`);
  return rules as RuleView[];
}

/** The cluster primary's admin-api. */
export class ClusterRules {
  readonly rules = new RuntimeRules();
  /** Bumped each time the rules in force change (a change, or going back after a failed one). */
  #version = 0;
  /** The rules version each worker was forked with. */
  readonly #forked = new WeakMap<Worker, number>();
  /** The tail of the requests and syncs, run one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  /** @param file admin-rules-file, or null: read now, written after each change */
  constructor(
    private readonly requests: WorkerRequests,
    private readonly serving: () => Worker[],
    private readonly log: Logger,
    private readonly timeoutMs = RULES_TIMEOUT_MS,
    private readonly file: string | null = null,
  ) {
    if (file !== null) this.rules.replaceAll(readRulesFile(file, log));
  }

  /** The environment to fork a worker with: the rules in force (none when too long for it). */
  forkEnv(): Record<string, string> {
    const text = JSON.stringify(this.rules.list());
    return text.length <= MAX_ENV_CHARS ? { [ADMIN_RULES_ENV]: text } : {};
  }

  /** Records that `worker` was forked with forkEnv() now. */
  forked(worker: Worker, env: Record<string, string>): void {
    this.#forked.set(worker, env[ADMIN_RULES_ENV] !== undefined ? this.#version : -1);
  }

  /** Answers one /rules request from `peer` (the HTTP handler). */
  handle(request: AdminRequest, peer: string): Promise<AdminAnswer> {
    return this.#serial(() => {
      const before = this.rules.list();
      return answerRules(this.rules, request, peer, () => this.#spread(before), this.log, keepRulesIn(this.file, this.rules, this.log));
    });
  }

  /**
   * Brings a worker that reports it listens up to date, if the rules changed since its fork (or
   * came too long for its environment); resolves once it may count as serving, rejects when it
   * failed or did not answer.
   */
  sync(worker: Worker): Promise<void> {
    return this.#serial(async () => {
      if (this.#forked.get(worker) === this.#version) return;
      await this.#send([worker], this.rules.list());
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Sends the rules now in force to every serving worker; if that fails, sends them `before` back and throws. */
  async #spread(before: readonly RuleView[]): Promise<void> {
    this.#version++;
    try {
      await this.#send(this.serving(), this.rules.list());
    } catch (err) {
      this.#version++;
      const message = (err as Error).message;
      // A worker whose configuration the rules do not fit (a tls:// host name without
      // bootstrap-server=) refuses them as a single process does: the request's fault, a 400.
      const refused = err instanceof WorkerRefusal && err.code?.startsWith('FANDNS_CONFIG') === true ? err : null;
      const level = refused === null ? 'error' : 'warn';
      this.log[level]({ err: message }, 'admin-api: a worker did not take the change; every worker goes back to the rules before');
      await this.#send(this.serving(), before).catch((e: Error) => this.log.error({ err: e.message }, 'admin-api: going back failed'));
      if (refused !== null) throw new AdminRequestError(400, refused.reason);
      throw new Error(`${message}; the change was not made (the workers were sent the rules before)`);
    }
  }

  async #send(workers: Worker[], rules: readonly RuleView[]): Promise<void> {
    if (workers.length > 0) await this.requests.ask(workers, 'rules', this.timeoutMs, { rules });
  }
}
