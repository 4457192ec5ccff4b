/**
 * The server's side of a warm cache: reload-keeps-cache's walk after a reload (one at a time: a
 * walk still running is finished before the next starts, and before a stop), and cache-file's
 * load at start and write at stop, at the path for this process (a cluster worker's `.N`).
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime.js';
import { loadCacheFile, saveCacheFile } from './cache-file.js';
import type { KeepPass } from './keep-pass.js';
import { keepAcrossReload } from './keep-reload.js';

/** See the file comment. */
export class WarmCache {
  #pass: KeepPass | null = null;

  /** @param fileSuffix appended to cache-file's path ('' but for cluster workers) */
  constructor(private readonly log: Logger, private readonly clock: Clock, private readonly fileSuffix: string) {}

  /** Starts keeping `old`'s entries that `next` (just swapped in) would produce the same way. */
  reloaded(old: Runtime, next: Runtime): void {
    this.finish();
    let pass: KeepPass | null = null;
    pass = keepAcrossReload(old, next, this.log, () => {
      if (this.#pass === pass) this.#pass = null;
    });
    this.#pass = pass?.done ? null : pass;
  }

  /** Ends a walk still running, now. */
  finish(): void {
    this.#pass?.finish();
    this.#pass = null;
  }

  /** Loads cache-file into `rt`'s cache, if the configuration names one. */
  load(rt: Runtime): void {
    const file = this.#file(rt);
    if (file !== null) loadCacheFile(file, rt, this.clock, this.log);
  }

  /** Writes `rt`'s cache to cache-file, if the configuration names one (a walk still running is finished first). */
  save(rt: Runtime): void {
    this.finish();
    const file = this.#file(rt);
    if (file !== null) saveCacheFile(file, rt, this.clock, this.log);
  }

  /** Where cache-file is for this process, or null when there is none (or caching is off). */
  #file(rt: Runtime): string | null {
    const c = rt.config.cache;
    return c.file === null || c.size === 0 ? null : c.file + this.fileSuffix;
  }
}
