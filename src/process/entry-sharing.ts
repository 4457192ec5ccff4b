/**
 * workers=N with serve-stale (use-stale-cache): each worker has its own cache, so a name one
 * worker cached may miss in another just when the upstream is down. A worker whose fetch for such
 * a name is late or fails asks the primary (EntryAsk); the primary asks the other serving workers
 * (an `entry` request) and answers with the freshest entry any kept that may still serve, in the
 * portable form of the cache file (cache/entry-age.ts), or null. The asking worker serves and
 * stores it (handlers/cache.ts). Asks are bounded in number and time, so an outage with many
 * misses cannot pile them up: past the bound, or without an answer in time, the answer is "none".
 */
import { Buffer } from 'node:buffer';
import type { Worker } from 'node:cluster';
import { entryExpiry } from '../cache/entry-format.js';
import { portableFreshness, toPortable } from '../cache/entry-age.js';
import { EntryRef } from '../cache/slab.js';
import type { SiblingEntries } from '../handlers/refresh-or-fallback.js';
import { keyNameLength } from '../keep/shape.js';
import type { Runtime } from '../runtime.js';
import { toWorker, type EntryAsk, type EntryFound, type WorkerMessage, type WorkerRequests } from './cluster-ipc.js';

/** How long the primary waits for the other workers' entries. */
export const ENTRY_WAIT_MS = 300;
/** How long a worker waits for the primary's answer (the primary's wait and the channel's). */
const ASK_TIMEOUT_MS = 1000;
/** Most keys one worker asks about at once. */
const MAX_ASKING = 256;

/**
 * A worker's side: asks the primary through `send`; `found` takes the answers. Concurrent asks
 * for one key share one question, each asker getting its own copy of the entry.
 */
export class WorkerEntries implements SiblingEntries {
  #next = 0;
  readonly #waiting = new Map<number, (entry: Buffer | null) => void>();
  readonly #asking = new Map<string, Promise<Buffer | null>>();

  constructor(private readonly send: (m: WorkerMessage) => boolean) {}

  ask(key: string): Promise<Buffer | null> {
    let p = this.#asking.get(key);
    if (p === undefined) {
      if (this.#asking.size >= MAX_ASKING) return Promise.resolve(null);
      p = this.#question(key).finally(() => this.#asking.delete(key));
      this.#asking.set(key, p);
    }
    return p.then((e) => (e === null ? null : Buffer.from(e)));
  }

  /** The primary's answer to one of our asks. */
  found(m: EntryFound): void {
    const answer = this.#waiting.get(m.id);
    if (answer === undefined) return;
    this.#waiting.delete(m.id);
    answer(m.entry === null ? null : Buffer.from(m.entry, 'base64'));
  }

  #question(key: string): Promise<Buffer | null> {
    const id = this.#next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(null);
      }, ASK_TIMEOUT_MS);
      this.#waiting.set(id, (entry) => {
        clearTimeout(timer);
        resolve(entry);
      });
      if (!this.send({ fandns: 'entry?', id, key })) this.#waiting.get(id)!(null);
    });
  }
}

/**
 * A worker's answer to an `entry` request: a portable copy (base64) of the entry `rt` keeps under
 * `key`, if it may still serve at `now` (fresh, or within its name's serve-stale window); else null.
 */
export function sharedEntry(rt: Runtime, key: string, now: number): string | null {
  const ref = new EntryRef();
  if (!rt.store.lookup(key, ref)) return null;
  if (!rt.cache.mayServe(key, keyNameLength(key), entryExpiry(ref.buf, ref.end), now)) return null;
  const v = Buffer.from(ref.buf.subarray(ref.start, ref.end));
  toPortable(v, now);
  return v.toString('base64');
}

/** The freshest of the workers' answers (portableFreshness), or null when none had one. */
export function freshestEntry(answers: Iterable<unknown>): string | null {
  let best: string | null = null;
  let bestFreshness = Number.NEGATIVE_INFINITY;
  for (const a of answers) {
    if (typeof a !== 'string') continue;
    const f = portableFreshness(Buffer.from(a, 'base64'));
    if (f > bestFreshness) {
      best = a;
      bestFreshness = f;
    }
  }
  return best;
}

/**
 * The primary's side: asks `others` for the entry `ask` names and answers `from` with the
 * freshest that came within ENTRY_WAIT_MS (a busy worker's answer is not waited for).
 */
export async function answerEntryAsk(from: Worker, ask: EntryAsk, others: readonly Worker[], requests: WorkerRequests): Promise<void> {
  let entry: string | null = null;
  if (others.length > 0) {
    try {
      entry = freshestEntry((await requests.ask(others, 'entry', ENTRY_WAIT_MS, { key: ask.key }, true)).values());
    } catch {
      entry = null; // a worker's error reply
    }
  }
  toWorker(from, { fandns: 'entry', id: ask.id, entry });
}
