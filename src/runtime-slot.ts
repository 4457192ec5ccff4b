/**
 * The runtime in force and how it is replaced (SIGHUP, a watched file's change, admin-api): a new
 * Runtime is built from the whole configuration and swapped in; queries in flight finish on the
 * old one, whose upstream sockets close once they can no longer be waited on (query-timeout, or at
 * stop). What happens to the cache is the caller's choice: kept as it is (a resolv-file change),
 * emptied with its memory reused (a plain SIGHUP), or sorted entry by entry (reload-keeps-cache).
 */
import type { CacheStore } from './cache/store.js';
import type { Config } from './config/types.js';
import type { WarmCache } from './keep/warm-cache.js';
import { buildRuntime, storeFits, type Runtime, type RuntimeDeps } from './runtime.js';

/** What every runtime is built with, besides its configuration and cache. */
export type SlotDeps = Omit<RuntimeDeps, 'keepStore' | 'previous' | 'loopRound'>;

/** Holds the runtime in force. */
export class RuntimeSlot {
  #rt: Runtime | null = null;
  /** Upstream registries of replaced runtimes whose sockets are not closed yet. */
  readonly #retiring = new Set<Runtime['registry']>();

  /**
   * @param deps what each runtime is built with
   * @param warm reload-keeps-cache's walks (src/keep/)
   * @param onSwap told of each new runtime (the server keeps it at hand for the query path)
   */
  constructor(private readonly deps: SlotDeps, private readonly warm: WarmCache, private readonly onSwap: (rt: Runtime) => void) {}

  /**
   * Replaces the runtime with one for `config` whose cache starts empty: with the same cache
   * settings it is the old store emptied, its memory reused (a fresh one per reload left the old
   * one's to the garbage collector: resident memory grew with every SIGHUP until a full
   * collection), and the old runtime stores no more answers. `loopRound` (a SIGHUP) makes
   * dns-loop-detect probe every default server again.
   */
  replaceEmptied(config: Config, loopRound = false): void {
    const old = this.#rt;
    const keep = old !== null && storeFits(old.store, config.cache) ? old.store : null;
    this.swap(config, keep, loopRound);
    if (old !== null && keep !== null) {
      old.cache.retire();
      keep.clear();
    }
  }

  /**
   * Replaces the runtime with one for `config` that keeps the cache entries it would produce the
   * same way (reload-keeps-cache): the old runtime stores no more answers, and a walk sorts the
   * entries, in the same store or copied to a new one when the cache settings changed its size.
   * A walk still running from a reload before is finished first.
   */
  replaceKeeping(config: Config, loopRound = false): void {
    this.warm.finish();
    const old = this.#rt;
    if (old === null) return this.swap(config, null, loopRound);
    this.swap(config, storeFits(old.store, config.cache) ? old.store : null, loopRound);
    old.cache.retire();
    this.warm.reloaded(old, this.#rt!);
  }

  /**
   * Replaces the runtime (the first one too) with one for `config` over `keepStore` (null: a new
   * store). The old runtime's health checks end at once; its upstream sockets close after
   * query-timeout, when no query can still wait on them.
   */
  swap(config: Config, keepStore: CacheStore | null, loopRound = false): void {
    const old = this.#rt;
    this.#rt = buildRuntime(config, { ...this.deps, keepStore, previous: old, loopRound });
    this.onSwap(this.#rt);
    if (!old) return;
    old.checks?.stop();
    const registry = old.registry;
    this.#retiring.add(registry);
    setTimeout(() => {
      if (this.#retiring.delete(registry)) registry.close();
    }, config.forward.queryTimeoutMs + 1000).unref();
  }

  /** Stop: closes every upstream socket, the runtime's in force and the replaced ones'. */
  closeUpstreams(): void {
    this.#rt?.registry.close();
    for (const r of this.#retiring) r.close();
    this.#retiring.clear();
  }
}
