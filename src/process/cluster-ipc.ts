/**
 * Messages between the cluster primary and its workers over node:cluster's IPC channel. Each
 * fandns message has a `fandns` field naming its kind, so messages of Node or prom-client are
 * never taken for ours. The primary asks workers for their metrics or health and waits, bounded,
 * for every answer; a worker that exits meanwhile is left out.
 */
import type { Worker } from 'node:cluster';
import type { RuleView } from '../admin/runtime-rules.js';
import type { ScriptResult } from '../config/script-outputs.js';
import type { ExplainRequest } from '../explain/explain-request.js';
import type { Endpoint } from '../server.js';
import { MAX_RUN } from './check-record.js';

/**
 * What the primary can ask a worker for (`rules`: take admin-api's runtime rules,
 * src/process/cluster-rules.ts; `entry`: its cache entry under a key, src/process/entry-sharing.ts).
 */
export type RequestKind = 'metrics' | 'health' | 'explain' | 'rules' | 'entry';

/** Primary → worker. */
export interface PrimaryRequest {
  readonly fandns: 'request';
  readonly id: number;
  readonly what: RequestKind;
  /** What an `explain` request asks. */
  readonly explain?: ExplainRequest;
  /** A `rules` request's runtime rules: the worker's whole set from now on. */
  readonly rules?: readonly RuleView[];
  /** The cache key an `entry` request asks for. */
  readonly key?: string;
}

/** What a request carries besides its kind. */
export type RequestPayload = Pick<PrimaryRequest, 'explain' | 'rules' | 'key'>;

/**
 * Worker → primary (workers=N with serve-stale): a miss this worker could not answer in time;
 * does another worker keep an entry under cache key `key`?
 */
export interface EntryAsk {
  readonly fandns: 'entry?';
  readonly id: number;
  readonly key: string;
}

/** Primary → worker: the answer to its EntryAsk `id`: the freshest entry the others had (portable form, base64), or null. */
export interface EntryFound {
  readonly fandns: 'entry';
  readonly id: number;
  readonly entry: string | null;
}

/**
 * dns-loop-detect's mark of the server known by `key`. A worker tells the primary each time a probe
 * comes back (`looped`) and when a round clears the mark; the primary passes marks on to the
 * other workers, and the marks it knows to a worker that starts.
 */
export interface LoopMark {
  readonly fandns: 'loop';
  readonly key: string;
  readonly looped: boolean;
}

/**
 * health-check= with workers=N: the result of one check the worker that checks the server known
 * by `key` made (src/upstream/check-sharing.ts); the primary passes it on to the other workers,
 * and hands a worker that starts serving each server's latest result with `times`, the number of
 * checks in a row that gave it (src/process/check-record.ts).
 */
export interface CheckNote {
  readonly fandns: 'check';
  readonly key: string;
  readonly ok: boolean;
  readonly result: string;
  /** Checks in a row with this result (1 to MAX_RUN); absent: one check. */
  readonly times?: number;
}

/**
 * Primary → worker (health-check= with workers=N): besides its own slot's servers, check those of
 * `slots`, whose workers are being replaced, until told otherwise (an empty list: its own only).
 */
export interface CheckCover {
  readonly fandns: 'cover';
  readonly slots: readonly number[];
}

/** Worker → primary, before it loads the configuration: the outputs of the conf-scripts, please. */
export interface ScriptsAsk {
  readonly fandns: 'scripts?';
}

/**
 * Primary → worker: the outputs of the conf-scripts the primary ran (src/process/cluster-scripts.ts),
 * to load the configuration with: the answer to a ScriptsAsk, or with `reload` a reload (the
 * primary's SIGHUP).
 */
export interface ScriptsGiven {
  readonly fandns: 'scripts';
  readonly reload: boolean;
  readonly results: readonly ScriptResult[];
}

/** Primary → worker, besides requests: loop marks, health-check results and covers, cache entries found, conf-script outputs. */
export type PrimaryMessage = LoopMark | CheckNote | CheckCover | EntryFound | ScriptsGiven;

/** Sends `m` to worker `w`, whose channel may have closed meanwhile (then the message is lost with it). */
export function toWorker(w: Worker, m: PrimaryMessage): void {
  if (w.isConnected()) w.send(m, undefined, () => {});
}

/** Worker → primary: it listens (with what it bound), it answers a request, it found a loop, or it made a health check. */
export type WorkerMessage =
  | { readonly fandns: 'started'; readonly endpoints: readonly Endpoint[] }
  | { readonly fandns: 'reply'; readonly id: number; readonly body?: unknown; readonly error?: string; readonly code?: string }
  | LoopMark
  | CheckNote
  | EntryAsk
  | ScriptsAsk;

/** A worker's failure to answer a request: its message, and the code of its error when it was a FandnsError (a ConfigError, say). */
export class WorkerRefusal extends Error {
  constructor(readonly pid: number | undefined, readonly reason: string, readonly code: string | undefined) {
    super(`worker ${pid}: ${reason}`);
    this.name = 'WorkerRefusal';
  }
}

/** The environment variable through which the primary gives its workers dns-loop-detect's secret (hex). */
export const LOOP_SECRET_ENV = 'FANDNS_LOOP_SECRET';

/** Environment variable giving a worker its slot, 1 to workers= (a replacement takes the slot over): its cache-file is `PATH.<slot>`. */
export const WORKER_SLOT_ENV = 'FANDNS_WORKER_SLOT';

/** Environment variable giving a worker the number of workers (which servers it health-checks: check-sharing.ts). */
export const WORKER_COUNT_ENV = 'FANDNS_WORKER_COUNT';

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

/** True for a request of the primary. */
export function isPrimaryRequest(m: unknown): m is PrimaryRequest {
  return isObject(m) && m['fandns'] === 'request' && typeof m['id'] === 'number';
}

/** True for a loop mark, from either side. */
export function isLoopMark(m: unknown): m is LoopMark {
  return isObject(m) && m['fandns'] === 'loop' && typeof m['key'] === 'string' && typeof m['looped'] === 'boolean';
}

/** True for a health check's result, from either side. */
export function isCheckNote(m: unknown): m is CheckNote {
  if (!isObject(m) || m['fandns'] !== 'check') return false;
  const times = m['times'];
  return typeof m['key'] === 'string' && typeof m['ok'] === 'boolean' && typeof m['result'] === 'string' &&
    (times === undefined || (Number.isInteger(times) && (times as number) >= 1 && (times as number) <= MAX_RUN));
}

/** True for a worker's EntryAsk. */
export function isEntryAsk(m: unknown): m is EntryAsk {
  return isObject(m) && m['fandns'] === 'entry?' && Number.isInteger(m['id']) && typeof m['key'] === 'string';
}

/** True for the primary's EntryFound. */
export function isEntryFound(m: unknown): m is EntryFound {
  return isObject(m) && m['fandns'] === 'entry' && Number.isInteger(m['id']) && (m['entry'] === null || typeof m['entry'] === 'string');
}

/** True for the primary's CheckCover. */
export function isCheckCover(m: unknown): m is CheckCover {
  return isObject(m) && m['fandns'] === 'cover' && Array.isArray(m['slots']) && (m['slots'] as unknown[]).every(Number.isInteger);
}

/** True for the primary's ScriptsGiven (its results are checked when they are taken: ScriptOutputs.from). */
export function isScriptsGiven(m: unknown): m is ScriptsGiven {
  return isObject(m) && m['fandns'] === 'scripts' && typeof m['reload'] === 'boolean' && Array.isArray(m['results']);
}

/** True for a message of a worker. */
export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return isObject(m) && (m['fandns'] === 'started' || m['fandns'] === 'reply' || m['fandns'] === 'scripts?' ||
    isLoopMark(m) || isCheckNote(m) || isEntryAsk(m));
}

interface Pending {
  /** Worker IDs still to answer, with their PIDs (for the timeout's message). */
  readonly waiting: Map<number, number | undefined>;
  readonly answers: Map<number, unknown>;
  readonly resolve: (answers: Map<number, unknown>) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Requests of the primary in flight, answered by worker ID. */
export class WorkerRequests {
  #next = 0;
  readonly #pending = new Map<number, Pending>();

  /**
   * Asks every worker in `workers`; resolves with the answers by worker ID, rejects after
   * `timeoutMs` naming the PIDs still silent, or, with `partial`, resolves then with the answers
   * that came.
   */
  ask(workers: readonly Worker[], what: RequestKind, timeoutMs = 3000, payload: RequestPayload = {}, partial = false): Promise<Map<number, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        if (partial) resolve(p.answers);
        else reject(new Error(`workers did not answer a ${what} request within ${timeoutMs} ms (no answer from ${[...p.waiting.values()].join(', ')})`));
      }, timeoutMs);
      const p: Pending = { waiting: new Map(), answers: new Map(), resolve, reject, timer };
      this.#pending.set(id, p);
      const request: PrimaryRequest = { fandns: 'request', id, what, ...payload };
      for (const w of workers) {
        if (!w.isConnected()) continue;
        p.waiting.set(w.id, w.process.pid);
        w.send(request, undefined, (err) => (err ? this.#settle(id, w.id, undefined) : undefined));
      }
      this.#check(id);
    });
  }

  /** A worker's reply. */
  onReply(worker: Worker, msg: WorkerMessage & { fandns: 'reply' }): void {
    const p = this.#pending.get(msg.id);
    if (!p) return;
    if (msg.error !== undefined) {
      this.#pending.delete(msg.id);
      clearTimeout(p.timer);
      p.reject(new WorkerRefusal(worker.process.pid, msg.error, msg.code));
      return;
    }
    this.#settle(msg.id, worker.id, msg.body);
  }

  /** A worker exited: nothing more is awaited from it. */
  onExit(worker: Worker): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, worker.id, undefined);
  }

  #settle(id: number, workerId: number, body: unknown): void {
    const p = this.#pending.get(id);
    if (!p || !p.waiting.delete(workerId)) return;
    if (body !== undefined) p.answers.set(workerId, body);
    this.#check(id);
  }

  #check(id: number): void {
    const p = this.#pending.get(id);
    if (!p || p.waiting.size > 0) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(p.answers);
  }
}
