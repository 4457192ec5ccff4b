/**
 * Watches the files a configuration names, besides its own: every resolv-file (polled every
 * second unless no-poll, as dnsmasq does) and every hostsdir (inotify, src/local/hosts-dir-watch.ts).
 * The server decides what a change rebuilds; this only notices and logs it.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { Config } from './config/types.js';
import { watchHostsDirs } from './local/hosts-dir-watch.js';
import type { Logger } from './log/logger.js';

/** The watches of one configuration; `close` ends them (a reload watches the new one's files). */
export class ConfigFilesWatch {
  readonly #polled: string[] = [];
  #unwatchHostsDirs: (() => void) | null = null;

  /**
   * Starts watching what `config` names; `changed` is called after each change is logged (never
   * after close).
   */
  constructor(config: Config, log: Logger, changed: () => void) {
    if (config.hosts.dirs.length > 0) {
      this.#unwatchHostsDirs = watchHostsDirs(config.hosts.dirs, (dirs) => {
        log.info({ hostsdir: dirs }, 'hostsdir changed: re-reading local data');
        changed();
      }, (dir, err) => log.warn({ hostsdir: dir, err: err.message }, 'cannot watch hostsdir; re-read on SIGHUP only'));
    }
    if (config.forward.noPoll) return;
    for (const file of config.forward.resolvFiles) {
      watchFile(file, { interval: 1000, persistent: false }, (cur, prev) => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        log.info({ file, clearCache: config.cache.clearOnReload }, 'resolv-file changed: re-reading upstream servers');
        changed();
      });
      this.#polled.push(file);
    }
  }

  /** Stops every watch. */
  close(): void {
    for (const f of this.#polled.splice(0)) unwatchFile(f);
    this.#unwatchHostsDirs?.();
    this.#unwatchHostsDirs = null;
  }
}
