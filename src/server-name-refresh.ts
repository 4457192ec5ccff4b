/**
 * server-name-refresh=: the host names clear-text servers are named by, looked up again while
 * fandns runs (at load they are looked up by server-name-lookup.ts), so a server that moves is
 * followed without a SIGHUP. A name whose set of addresses changed gives a configuration with the
 * new ones; a name that cannot be looked up keeps the addresses it had, with a warning.
 */
import { nameKey, serverNames, withServerAddresses } from './config/server-names.js';
import type { Config, NamedServers } from './config/types.js';
import type { Logger } from './log/logger.js';
import { lookUpNames } from './server-name-lookup.js';

/** What the lookups of one round came to, per name: its addresses unchanged, changed, or kept after a failure. */
export interface RefreshCounts {
  unchanged: number;
  changed: number;
  failed: number;
}

/** Looks up names as server-name-lookup.ts's lookUpNames does (a seam for tests). */
export type LookUpNames = typeof lookUpNames;

/** True when `a` and `b` hold the same addresses, in any order (a resolver may rotate them). */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const had = new Set(a);
  return b.every((x) => had.has(x));
}

/** What refreshServerNames keeps from round to round. */
export interface RefreshRecord {
  readonly counts: RefreshCounts;
  /** The names (by nameKey) whose last lookup failed: the next failure is logged at debug, not warn. */
  readonly failing: Set<string>;
}

/** A record with nothing counted yet. */
export const newRefreshRecord = (): RefreshRecord => ({ counts: { unchanged: 0, changed: 0, failed: 0 }, failing: new Set() });

/**
 * One round: every name `config` (as loaded, names looked up) has, looked up again. Resolves to
 * the configuration with the new addresses when a name's set changed (each change logged), else
 * null; counts each name's outcome into `record`. A failure is a warning when the name had
 * addresses and its last lookup went well, debug otherwise (a name without any was warned of at load).
 */
export async function refreshServerNames(config: Config & { serverNames: NamedServers }, log: Logger, record: RefreshRecord,
  lookup: LookUpNames = lookUpNames): Promise<Config | null> {
  const { counts, failing } = record;
  const asWritten: Config = { ...config, rules: config.serverNames.rules };
  const names = serverNames(asWritten);
  const results = await lookup(config, names);
  const before = config.serverNames.found;
  const found = new Map(before);
  let changed = false;
  names.forEach((n, i) => {
    const r = results[i]!;
    const key = nameKey(n.name, n.family);
    const had = before.get(key) ?? [];
    if (typeof r === 'string') {
      counts.failed++;
      const level = had.length > 0 && !failing.has(key) ? 'warn' : 'debug';
      failing.add(key);
      log[level]({ host: n.name, err: r, addresses: had }, 'cannot look up server name again; its servers keep their addresses');
      return;
    }
    failing.delete(key);
    if (sameSet(had, r)) {
      counts.unchanged++;
    } else {
      counts.changed++;
      changed = true;
      found.set(key, r);
      log.info({ host: n.name, addresses: r, before: had }, 'server name looked up to new addresses');
    }
  });
  return changed ? withServerAddresses(asWritten, found) : null;
}

/**
 * Runs refreshServerNames every `server-name-refresh` ms for the configuration in force, one round
 * at a time, and hands a changed configuration to `apply` with the one it was looked up from (a
 * SIGHUP meanwhile makes that one stale: `apply` then drops it). Timers do not keep the process up.
 */
export class ServerNameRefresh {
  readonly record = newRefreshRecord();
  #timer: NodeJS.Timeout | null = null;
  #config: Config | null = null;

  constructor(
    private readonly log: Logger,
    private readonly apply: (from: Config, fresh: Config) => void,
    private readonly lookup: LookUpNames = lookUpNames,
  ) {}

  /** Follows `config` (as loaded): rounds every serverNameRefreshMs while it names servers by host name, none otherwise. */
  arm(config: Config): void {
    this.stop();
    this.#config = config;
    this.#schedule();
  }

  /** No more rounds (a round under way still finishes, and its result is dropped). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#config = null;
  }

  #schedule(): void {
    const config = this.#config;
    const every = config?.forward.serverNameRefreshMs ?? null;
    if (config === null || every === null || config.serverNames === undefined) return;
    const named = config as Config & { serverNames: NamedServers };
    this.#timer = setTimeout(() => void this.#round(named), every);
    this.#timer.unref();
  }

  /** One round for `config`; the next is scheduled unless `apply` re-armed (or a reload or stop came). */
  async #round(config: Config & { serverNames: NamedServers }): Promise<void> {
    this.#timer = null;
    try {
      const fresh = await refreshServerNames(config, this.log, this.record, this.lookup);
      if (fresh !== null && this.#config === config) this.apply(config, fresh);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'server name refresh failed');
    }
    if (this.#config === config) this.#schedule();
  }
}
