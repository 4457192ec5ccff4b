/**
 * Watches the files a configuration names, besides its own: every resolv-file (polled every
 * second unless no-poll, as dnsmasq does) and every hostsdir (inotify, src/local/hosts-dir-watch.ts).
 * The server decides what a change rebuilds; this only notices and logs it.
 *
 * A poll's first look at a file is its baseline, taken asynchronously after the watch starts, so a
 * write between the runtime's read and that baseline would never count as a change. Each watched
 * resolv-file is therefore read once more after its watch starts and compared with the text the
 * runtime read.
 */
import { readFile, unwatchFile, watchFile } from 'node:fs';
import type { Config } from './config/types.js';
import { watchHostsDirs } from './local/hosts-dir-watch.js';
import type { Logger } from './log/logger.js';

/** The watches of one configuration; `close` ends them (a reload watches the new one's files). */
export class ConfigFilesWatch {
  readonly #polled: string[] = [];
  #unwatchHostsDirs: (() => void) | null = null;

  #closed = false;
  /** Settles once every resolv-file has been compared with the text the runtime read. */
  readonly firstLook: Promise<void>;

  /**
   * Starts watching what `config` names; `changed` is called after each change is logged (never
   * after close). `read` holds each resolv-file's text as the runtime read it (null: unreadable); a
   * file missing from it is not compared.
   */
  constructor(config: Config, log: Logger, changed: () => void, read: ReadonlyMap<string, string | null> = new Map()) {
    if (config.hosts.dirs.length > 0) {
      this.#unwatchHostsDirs = watchHostsDirs(config.hosts.dirs, (dirs) => {
        log.info({ hostsdir: dirs }, 'hostsdir changed: re-reading local data');
        changed();
      }, (dir, err) => log.warn({ hostsdir: dir, err: err.message }, 'cannot watch hostsdir; re-read on SIGHUP only'));
    }
    const looks: Promise<void>[] = [];
    if (!config.forward.noPoll) {
      const report = (file: string) => {
        if (this.#closed) return;
        log.info({ file, clearCache: config.cache.clearOnReload }, 'resolv-file changed: re-reading upstream servers');
        changed();
      };
      for (const file of config.forward.resolvFiles) {
        watchFile(file, { interval: 1000, persistent: false }, (cur, prev) => {
          if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) report(file);
        });
        this.#polled.push(file);
        const seen = read.get(file);
        if (seen !== undefined) looks.push(textOf(file).then((now) => { if (now !== seen) report(file); }));
      }
    }
    this.firstLook = Promise.all(looks).then(() => undefined);
  }

  /** Stops every watch. */
  close(): void {
    this.#closed = true;
    for (const f of this.#polled.splice(0)) unwatchFile(f);
    this.#unwatchHostsDirs?.();
    this.#unwatchHostsDirs = null;
  }
}

/** The file's text, or null when it cannot be read. */
function textOf(file: string): Promise<string | null> {
  return new Promise((resolve) => readFile(file, 'utf8', (err, text) => resolve(err ? null : text)));
}
