/**
 * Looks up the host names clear-text servers are named by when a configuration loads (at start
 * and on each SIGHUP; with server-name-refresh= also while running, server-name-refresh.ts), as
 * dnsmasq 2.88+ does at start: through bootstrap-server= when given, else through the system's
 * resolver (getaddrinfo, /etc/hosts included, with AI_ADDRCONFIG as dnsmasq asks). A name that
 * gives no address is a config error at the line that names it: fatal at start, a refused reload
 * on SIGHUP; from the servers-file, a warning, and its line is left out.
 */
import { ADDRCONFIG, promises as dns } from 'node:dns';
import { ConfigError } from './errors.js';
import { nameKey, serverNames, withServerAddresses, type ServerName } from './config/server-names.js';
import type { Config } from './config/types.js';
import { UpstreamRegistry } from './upstream/registry.js';

/** Longest a system lookup may take before it counts as failed (getaddrinfo has no timeout of its own here). */
export const SYSTEM_LOOKUP_MS = 10_000;

/** Looks up one name for a family: its addresses, or a rejection saying why none. */
type NameLookup = (name: string, family: 0 | 4 | 6) => Promise<readonly string[]>;

/**
 * getaddrinfo calls still running, by family and name. The SYSTEM_LOOKUP_MS bound only stops the
 * wait: the call goes on in libuv's thread pool (four threads, shared with file system work), so
 * a name asked again meanwhile (server-name-refresh, a SIGHUP) joins it instead of taking another.
 */
const running = new Map<string, Promise<readonly string[]>>();

/** The system's resolver, bounded by SYSTEM_LOOKUP_MS. */
const systemLookup: NameLookup = (name, family) => {
  const key = nameKey(name, family);
  let call = running.get(key);
  if (call === undefined) {
    call = dns.lookup(name, { all: true, family, hints: ADDRCONFIG }).then((list) => list.map((a) => a.address));
    running.set(key, call);
    const done = () => void running.delete(key);
    call.then(done, done);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${SYSTEM_LOOKUP_MS / 1000} s`)), SYSTEM_LOOKUP_MS);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
};

/**
 * What looking up `names` gives, in their order: each name's addresses, or why it gave none (`no
 * address`, or the resolver's error prefixed with which resolver). Through `config`'s
 * bootstrap-server= when it has one (a registry of its own, closed after), else the system's.
 */
export async function lookUpNames(config: Config, names: readonly ServerName[]): Promise<(readonly string[] | string)[]> {
  const boot = config.forward.bootstrap;
  const registry = boot.length > 0 ? new UpstreamRegistry(config.forward.policy, config.forward.upstreamTimeoutMs, undefined, undefined,
    { tlsCa: config.forward.tlsCa, bootstrap: boot, lookupTimeoutMs: config.forward.queryTimeoutMs }) : null;
  const lookup: NameLookup = registry === null ? systemLookup
    : async (name, family) => (await registry.hostLookup().addresses(name, family)).map((a) => a.address);
  try {
    return await Promise.all(names.map((n) => lookup(n.name, n.family).then(
      (addresses) => (addresses.length === 0 ? 'no address' : addresses),
      (err: Error) => `${registry === null ? 'system resolver' : 'bootstrap-server'}: ${err.message}`)));
  } finally {
    registry?.close();
  }
}

/**
 * `config` with its clear-text servers named by host name replaced by their addresses (each a
 * server); `config` itself when it names none. Rejects with a ConfigError naming the first line
 * of a name that gave no address, unless only the servers-file names it: then the config has a
 * warning instead, and no rule for it.
 */
export async function lookUpServerNames(config: Config): Promise<Config> {
  const names = serverNames(config);
  if (names.length === 0) return config;
  // Every name at once; the first failing line in config order is the one reported.
  const results = await lookUpNames(config, names);
  const found = new Map<string, readonly string[]>();
  const warnings: string[] = [];
  names.forEach((n, i) => {
    const r = results[i]!;
    if (typeof r !== 'string') return void found.set(nameKey(n.name, n.family), r);
    const failure = new ConfigError('FANDNS_CONFIG_VALUE', n.origin, `cannot look up server name "${n.name}" (${r})`);
    if (n.origin.file !== config.forward.serversFile) throw failure;
    warnings.push(`${failure.message}; line ignored`);
  });
  const done = withServerAddresses(config, found);
  return warnings.length === 0 ? done : Object.freeze({ ...done, warnings: Object.freeze([...done.warnings, ...warnings]) });
}
