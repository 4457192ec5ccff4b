/**
 * Watches the files a configuration names, besides its own: every resolv-file (polled every
 * second unless no-poll, as dnsmasq does) and every hostsdir (inotify, src/local/hosts-dir-watch.ts).
 * The server decides what a change rebuilds; this only notices and logs it.
 *
 * Changes are judged against what the runtime read, not against a first look of the watcher's
 * own: the runtime records each file's signature (util/file-signature.ts) as it reads it, so a
 * write that lands between that read and the watch's start still counts. A resolv-file poll
 * compares the file's signature with the last one known (the runtime's, then each change's); a
 * hostsdir is listed once right after its inotify watch starts and compared with the runtime's.
 */
import type { Config } from './config/types.js';
import { hostsDirSignature } from './local/hosts-loader.js';
import { watchHostsDirs } from './local/hosts-dir-watch.js';
import type { Logger } from './log/logger.js';
import type { FilesRead } from './runtime.js';
import { fileSignatureAsync } from './util/file-signature.js';

/** How often a resolv-file is looked at. */
export const POLL_MS = 1000;

/** The watches of one configuration; `close` ends them (a reload watches the new one's files). */
export class ConfigFilesWatch {
  #timer: NodeJS.Timeout | null = null;
  #unwatchHostsDirs: (() => void) | null = null;
  #closed = false;
  /** Settles once every watched file was first compared with what the runtime read. */
  readonly firstLook: Promise<void>;

  /**
   * Starts watching what `config` names; `changed` is called after each change is logged (never
   * after close, never from inside the constructor). `read` is what the runtime read; without it
   * (or for a path it lacks) the first look at a file is its baseline.
   */
  constructor(config: Config, log: Logger, changed: () => void, read: FilesRead = { resolv: new Map(), hostsDirs: new Map() }) {
    const report = (fields: Record<string, unknown>, msg: string) => {
      if (this.#closed) return;
      log.info(fields, msg);
      changed();
    };
    const dirs = config.hosts.dirs;
    let dirsLook = Promise.resolve();
    if (dirs.length > 0) {
      const dirChanged = (list: string[]) => report({ hostsdir: list }, 'hostsdir changed: re-reading local data');
      this.#unwatchHostsDirs = watchHostsDirs(dirs, dirChanged,
        (dir, err) => log.warn({ hostsdir: dir, err: err.message }, 'cannot watch hostsdir; re-read on SIGHUP only'));
      // Listed after inotify is on: a change before the listing shows here, one after it there.
      const moved = dirs.filter((d) => read.hostsDirs.has(d) && hostsDirSignature(d) !== read.hostsDirs.get(d));
      if (moved.length > 0) dirsLook = new Promise((resolve) => setImmediate(() => resolve(dirChanged(moved))));
    }
    const files = config.forward.noPoll ? [] : config.forward.resolvFiles;
    const known = new Map<string, string | null | undefined>(files.map((f) => [f, read.resolv.get(f)]));
    let polling = false;
    const poll = async () => {
      if (polling) return; // the last look is still waiting on a slow disk
      polling = true;
      try {
        await this.#look(known, (file) => report({ file, clearCache: config.cache.clearOnReload }, 'resolv-file changed: re-reading upstream servers'));
      } finally {
        polling = false;
      }
    };
    const first = files.length > 0 ? poll() : Promise.resolve();
    if (files.length > 0) {
      this.#timer = setInterval(() => void poll(), POLL_MS);
      this.#timer.unref();
    }
    this.firstLook = Promise.all([dirsLook, first]).then(() => undefined);
  }

  /** Compares each file's signature now with the one known (undefined: none yet), keeps the new one, and reports each that moved. */
  async #look(known: Map<string, string | null | undefined>, moved: (file: string) => void): Promise<void> {
    for (const [file, before] of known) {
      const now = await fileSignatureAsync(file);
      if (this.#closed) return;
      known.set(file, now);
      if (before !== undefined && now !== before) moved(file);
    }
  }

  /** Stops every watch. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#unwatchHostsDirs?.();
    this.#unwatchHostsDirs = null;
  }
}
