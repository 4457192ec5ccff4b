/**
 * workers=N: the primary process of a node:cluster. It forks N workers, and each runs a whole
 * FandnsServer on the same addresses. On Node 20 a worker's UDP bind (exclusive: false) asks the
 * primary for the socket, and every worker reads that one socket (cluster's SharedHandle); TCP
 * connections are accepted by the primary and handed to the workers round-robin. Each worker has
 * its own cache.
 *
 * Node ≥ 22.12 and 23.1 offer `reusePort` for dgram and net: one socket per worker, with the
 * kernel spreading clients over them by address hash and no shared-socket wake-ups. fandns does
 * not use it: Node 20, where fandns is developed and tested, ignores the option.
 *
 * The primary restarts a worker that dies, after a delay that grows while it keeps dying quickly,
 * passes signals on, and serves metrics-address with the workers' metrics summed. The sockets
 * stay open in the primary while at least one worker uses them, so a replacement worker needs no
 * privileges to bind; if every worker dies at once Node closes them, and a primary that dropped
 * root can bind a port below 1024 again only with CAP_NET_BIND_SERVICE.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Config } from '../config/types.js';
import { ExitCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { parseExplainRequest, type ExplainRequest } from '../explain/explain-request.js';
import { startMetricsServer } from '../metrics/http.js';
import type { Endpoint } from '../server.js';
import { RestartBackoff } from './backoff.js';
import { stopBudget } from './lifecycle.js';
import { CheckRecord } from './check-record.js';
import { answerEntryAsk } from './entry-sharing.js';
import { isWorkerMessage, LOOP_SECRET_ENV, toWorker, WORKER_COUNT_ENV, WORKER_SLOT_ENV, WorkerRequests, type CheckNote, type LoopMark } from './cluster-ipc.js';
import { CheckCoverage } from './check-cover.js';
import { mergeHealth, PrimaryMetrics, type ClusterHealth, type HealthBody } from './cluster-metrics.js';
import { ClusterRules, RULES_TIMEOUT_MS } from './cluster-rules.js';
import { ClusterFailure } from './cluster-failure.js';
import type { ClusterScripts } from './cluster-scripts.js';

/** One worker position: its current process, if any, and its restart delays. */
interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
  worker: Worker | null;
  forkedAt: number;
  serving: boolean;
  restartTimer: NodeJS.Timeout | null;
}

/** Longest wait for the workers to exit after SIGTERM before they are killed. */
const STOP_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The cluster primary. */
export class ClusterPrimary {
  readonly #slots: Slot[];
  readonly #requests = new WorkerRequests();
  /** dns-loop-detect's probe-ID secret, the same for every worker (so each knows the others' probes). */
  readonly #loopSecret = randomBytes(16).toString('hex');
  /** Servers some worker found looping (their registry keys), for workers that start later. */
  readonly #looped = new Set<string>();
  /** health-check results relayed so far, for workers that start later. */
  readonly #checks = new CheckRecord();
  readonly #metrics: PrimaryMetrics;
  #http: HttpServer | null = null;
  #endpoints: readonly Endpoint[] = [];
  #stopping = false;
  #starting: { resolve: () => void; reject: (e: ClusterFailure) => void } | null = null;
  /** admin-api's runtime rules, kept here and copied to every worker; null without admin-api. */
  readonly #admin: ClusterRules | null;
  /** health-check=: who checks the servers of slots being refilled. */
  readonly #cover = new CheckCoverage();

  /** `onFatal` is called when no worker serves and a new one could not start; `scripts` holds the conf-scripts' outputs. */
  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly onFatal: (failure: ClusterFailure) => void,
    private readonly scripts: ClusterScripts,
  ) {
    this.#slots = Array.from({ length: config.process.workers }, (_, index) =>
      ({ index, backoff: new RestartBackoff(), worker: null, forkedAt: 0, serving: false, restartTimer: null }));
    this.#admin = config.adminApi && config.metrics
      ? new ClusterRules(this.#requests, () => this.#serving(), log, RULES_TIMEOUT_MS, config.adminRulesFile)
      : null;
    this.#metrics = new PrimaryMetrics(() => this.#serving().length, () => this.#admin?.rules.changes ?? 0);
  }

  /** What the workers bound (the first one to report). */
  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  /** Where metrics are served (`host:port`), or null. */
  get metricsEndpoint(): string | null {
    const a = this.#http?.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : null;
  }

  /** PIDs of the workers serving now. */
  get workerPids(): number[] {
    return this.#serving().map((w) => w.process.pid!);
  }

  /** Serves metrics-address, forks the workers and resolves once every one listens. */
  async start(): Promise<void> {
    cluster.on('message', (w, m: unknown) => this.#onMessage(w, m));
    cluster.on('exit', (w, code, signal) => this.#onExit(w, code, signal));
    const m = this.config.metrics;
    if (m) {
      this.#http = await startMetricsServer(m.host, m.port, {
        metrics: () => this.#metricsText(),
        contentType: this.#metrics.registry.contentType,
        health: () => this.#health(),
        explain: (params) => this.#explain(parseExplainRequest(params)),
        rules: this.#admin ? (req, peer) => this.#admin!.handle(req, peer) : undefined,
        ready: () => !this.#stopping && this.#serving().length > 0,
      });
    }
    const all = new Promise<void>((resolve, reject) => (this.#starting = { resolve, reject }));
    for (const s of this.#slots) this.#fork(s);
    await all;
  }

  /** Passes SIGUSR1 or SIGUSR2 to every serving worker (one still starting misses it). */
  signal(sig: NodeJS.Signals): void {
    for (const w of this.#serving()) w.process.kill(sig);
  }

  /**
   * SIGHUP: runs the conf-scripts once, here, and has every worker reload with their outputs
   * (one still starting is brought up to date once it serves: ClusterScripts.nowServing).
   */
  reload(): Promise<void> {
    return this.scripts.reload(() => this.#serving());
  }

  /** Stops restarting, sends SIGTERM to the workers, waits (bounded) for them, closes metrics. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const s of this.#slots) if (s.restartTimer) clearTimeout(s.restartTimer);
    const live = this.#slots.flatMap((s) => (s.worker && !s.worker.isDead() ? [s.worker] : []));
    const exited = Promise.all(live.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r())))));
    for (const w of live) w.process.kill('SIGTERM');
    await Promise.race([exited, sleep(stopBudget(this.config, STOP_WAIT_MS))]);
    for (const w of live) if (!w.isDead()) w.process.kill('SIGKILL');
    await Promise.race([exited, sleep(1000)]);
    const http = this.#http;
    this.#http = null;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  }

  #serving(): Worker[] {
    return this.#slots.flatMap((s) => (s.serving && s.worker ? [s.worker] : []));
  }

  #fork(slot: Slot): void {
    slot.restartTimer = null;
    slot.serving = false;
    slot.forkedAt = Date.now();
    const rules = this.#admin?.forkEnv() ?? {};
    slot.worker = cluster.fork({
      [LOOP_SECRET_ENV]: this.#loopSecret, [WORKER_SLOT_ENV]: String(slot.index + 1), [WORKER_COUNT_ENV]: String(this.#slots.length),
      ...rules, ...this.scripts.forkEnv(),
    });
    this.#admin?.forked(slot.worker, rules);
    this.scripts.forked(slot.worker);
  }

  #onMessage(w: Worker, m: unknown): void {
    if (!isWorkerMessage(m)) return;
    if (m.fandns === 'reply') return this.#requests.onReply(w, m);
    if (m.fandns === 'loop') return this.#loopMark(w, m);
    if (m.fandns === 'entry?') return void answerEntryAsk(w, m, this.#serving().filter((o) => o !== w), this.#requests);
    if (m.fandns === 'check') {
      this.#checks.note(m);
      return this.#passOn(w, m);
    }
    if (m.fandns === 'scripts?') return this.scripts.answer(w);
    const slot = this.#slots.find((s) => s.worker === w);
    if (!slot) return;
    if (!this.#admin) return this.#nowServing(slot, w, m.endpoints);
    // admin-api: the worker routes as the others before it counts as serving.
    this.#admin.sync(w).then(() => {
      if (slot.worker === w && !this.#stopping) this.#nowServing(slot, w, m.endpoints);
    }, (err: Error) => {
      this.log.error({ worker: slot.index, workerPid: w.process.pid, err: err.message }, 'admin-api: a starting worker did not take the runtime rules; stopping it');
      if (!w.isDead()) w.process.kill('SIGKILL');
    });
  }

  /** `w` in `slot` listens (on `endpoints`) and routes as the others: it counts as serving from now. */
  #nowServing(slot: Slot, w: Worker, endpoints: readonly Endpoint[]): void {
    slot.serving = true;
    this.scripts.nowServing(w);
    for (const key of this.#looped) toWorker(w, { fandns: 'loop', key, looped: true });
    for (const note of this.#checks.replay()) toWorker(w, note);
    if (this.#endpoints.length === 0) this.#endpoints = endpoints;
    if (this.#starting && this.#slots.every((s) => s.serving)) {
      const s = this.#starting;
      this.#starting = null;
      s.resolve();
    } else if (!this.#starting) {
      this.log.info({ worker: slot.index, workerPid: w.process.pid }, 'worker replaced');
      this.#coverVacant();
    }
  }

  /** health-check=: while a slot has no serving worker, another worker checks its servers (check-cover.ts). */
  #coverVacant(): void {
    if (this.config.forward.healthCheck !== null && !this.#starting && !this.#stopping) this.#cover.update(this.#slots);
  }

  /**
   * dns-loop-detect: a worker's probe came back to `from` (passed on to the other workers, and
   * kept for workers that start later), or a round there cleared a mark (forgotten, not passed on:
   * each worker's own round clears its marks).
   */
  #loopMark(from: Worker, m: LoopMark): void {
    if (!m.looped) {
      this.#looped.delete(m.key);
      return;
    }
    this.#looped.add(m.key);
    this.#passOn(from, m);
  }

  /**
   * Passes a worker's message on to the other serving workers: a loop mark, or a health-check
   * result (each worker counts its own rise and fall; #checks keeps the latest run for the next).
   */
  #passOn(from: Worker, m: LoopMark | CheckNote): void {
    for (const other of this.#serving()) if (other !== from) toWorker(other, m);
  }

  #onExit(w: Worker, code: number | null, signal: string | null): void {
    this.#requests.onExit(w);
    const slot = this.#slots.find((s) => s.worker === w);
    if (!slot) return;
    const wasServing = slot.serving;
    slot.worker = null;
    slot.serving = false;
    if (this.#stopping) return;
    const pid = w.process.pid;
    const exitCode = code === null || code === 0 ? ExitCode.OTHER : code;
    if (this.#starting || (!wasServing && this.#serving().length === 0)) {
      const failure = new ClusterFailure(exitCode, `worker ${pid} exited (${code ?? signal}) before it could serve`);
      if (this.#starting) {
        const s = this.#starting;
        this.#starting = null;
        s.reject(failure);
      } else this.onFatal(failure);
      return;
    }
    const delay = slot.backoff.next(Date.now() - slot.forkedAt);
    this.log.warn({ worker: slot.index, workerPid: pid, code, signal, restartInMs: delay }, 'worker exited; starting another');
    this.#coverVacant();
    slot.restartTimer = setTimeout(() => {
      this.#metrics.restarted();
      this.#fork(slot);
    }, delay);
  }

  async #health(): Promise<ClusterHealth> {
    const serving = this.#serving();
    const pids = new Map(serving.map((w) => [w.id, w.process.pid!]));
    const answers = await this.#requests.ask(serving, 'health');
    return mergeHealth(new Map([...answers].map(([id, body]) => [pids.get(id) ?? id, body as HealthBody])));
  }

  /**
   * /explain from one worker (its own cache): the first serving one, plus its PID. The question may
   * wait for upstreams up to query-timeout, so the request is given that much more time.
   */
  async #explain(req: ExplainRequest): Promise<unknown> {
    const worker = this.#serving()[0];
    if (!worker) throw new Error('no worker is serving');
    const answers = await this.#requests.ask([worker], 'explain', 3000 + this.config.forward.queryTimeoutMs, { explain: req });
    const body = answers.get(worker.id);
    if (body === undefined) throw new Error('the worker exited before it answered');
    return { worker: worker.process.pid, ...(body as object) };
  }

  async #metricsText(): Promise<string> {
    const answers = await this.#requests.ask(this.#serving(), 'metrics');
    return this.#metrics.text([...answers.values()] as object[]);
  }
}
