/**
 * What changes the runtime between reloads without a signal: the files the configuration names
 * (resolv-file, hostsdir: config-files-watch.ts) and, with server-name-refresh=, the addresses
 * its clear-text servers' host names look up to (server-name-refresh.ts). It only notices; the
 * server puts each change in force and then follows the configuration that gave.
 */
import { ConfigFilesWatch } from './config-files-watch.js';
import type { Config } from './config/types.js';
import type { Logger } from './log/logger.js';
import type { FilesRead } from './runtime.js';
import { ServerNameRefresh, type RefreshCounts } from './server-name-refresh.js';

/** What the server does on each change. */
export interface FollowHandlers {
  /** A watched file changed: rebuild the runtime for the configuration in force. */
  readonly filesChanged: () => void;
  /** `fresh` is `from` (as loaded) with new server addresses; `from` may no longer be in force. */
  readonly newAddresses: (from: Config, fresh: Config) => void;
}

/** The watches and lookups of the configuration in force. */
export class ConfigFollow {
  #watch: ConfigFilesWatch | null = null;
  readonly #names: ServerNameRefresh;

  constructor(private readonly log: Logger, private readonly on: FollowHandlers) {
    this.#names = new ServerNameRefresh(log, on.newAddresses);
  }

  /**
   * Follows a configuration in force: `config` (admin-api's rules laid over it) for its files,
   * compared with what the runtime read (`read`), and `loaded` (as loaded) for its server names.
   * What was followed before stops.
   */
  follow(config: Config, loaded: Config, read: FilesRead | undefined): void {
    this.stop();
    this.#watch = new ConfigFilesWatch(config, this.log, this.on.filesChanged, read);
    this.#names.arm(loaded);
  }

  /** Stops every watch and lookup round. */
  stop(): void {
    this.#watch?.close();
    this.#watch = null;
    this.#names.stop();
  }

  /** server-name-refresh's lookups so far, by result (/metrics). */
  get refreshCounts(): RefreshCounts {
    return this.#names.record.counts;
  }
}
