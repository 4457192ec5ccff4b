/**
 * The routing part of a Runtime (src/runtime.ts): the upstream servers a configuration names
 * (server= lines and resolv-files, without fandns itself), the domain table over their groups,
 * their health checks, and dns-loop-detect's hold on them.
 */
import { parseResolvConf } from './config/resolv.js';
import { namedClearText } from './config/server-names.js';
import { checkBootstrap } from './config/bootstrap.js';
import type { Config, DomainRule, UpstreamSpec } from './config/types.js';
import { formatOrigin } from './errors.js';
import type { Logger } from './log/logger.js';
import { DomainTable } from './routing/domain-table.js';
import { assignChecks } from './upstream/check-plan.js';
import type { CheckSharing } from './upstream/check-sharing.js';
import type { ServerGroup } from './upstream/group.js';
import { HealthChecks } from './upstream/health-check.js';
import type { LoopDetector } from './upstream/loop-detect.js';
import { policyScope } from './upstream/policy-scope.js';
import { UpstreamRegistry } from './upstream/registry.js';
import { selfDetector, type EncryptedEndpoint, type Endpoint } from './upstream/self-detect.js';
import { AddressRanges } from './util/address-ranges.js';
import { readSigned } from './util/file-signature.js';
import type { PacketDump } from './log/packet-dump.js';
import type { ForwardTap } from './upstream/forward-tap.js';

/** What the routing of one runtime needs besides its configuration. */
export interface RoutingDeps {
  readonly log: Logger;
  /** The bound listeners, for self-detection. */
  readonly endpoints: readonly Endpoint[];
  /** The bound DNS-over-TLS and DNS-over-HTTPS listeners, for the self-detection of tls:// and https:// servers. */
  readonly encryptedEndpoints?: readonly EncryptedEndpoint[];
  /** The registry of the runtime this one replaces (its servers' counters and health go on), or null. */
  readonly previous: UpstreamRegistry | null;
  /** With workers=N: which servers this process health-checks, and where its results go (null: it checks all). */
  readonly checkSharing: CheckSharing | null;
  /** dumpfile=: where upstream datagrams are copied, or null. */
  readonly dump?: PacketDump | null;
  /** dnstap-messages=forwarder: told of every exchange with an upstream server, or null. */
  readonly forwardTap?: ForwardTap | null;
}

/**
 * Reads every resolv-file; a missing file is logged, not fatal (reference §1.7). `read`, when
 * given, gets each file's signature taken just before it was read (null when it could not be).
 */
export function readResolvServers(config: Config, log: Logger, read?: Map<string, string | null>): UpstreamSpec[] {
  const out: UpstreamSpec[] = [];
  for (const file of config.forward.resolvFiles) {
    const { signature, bytes, error } = readSigned(file);
    read?.set(file, signature);
    if (bytes === null) {
      log.warn({ file, err: error?.message }, 'cannot read resolv-file');
      continue;
    }
    const servers = parseResolvConf(bytes.toString('utf8'), file);
    if (servers.length === 0) log.warn({ file }, 'no servers found in resolv-file');
    out.push(...servers);
  }
  return out;
}

/**
 * The health checks of the servers `rules` and `resolv` name (health-check=), not started; null
 * when none is configured. A check no server gets is a warning naming its line.
 */
function planChecks(config: Config, log: Logger, registry: UpstreamRegistry, rules: readonly DomainRule[], resolv: readonly UpstreamSpec[], sharing: CheckSharing | null): HealthChecks | null {
  const hc = config.forward.healthCheck;
  if (hc === null) return null;
  const plan = assignChecks(rules, resolv, hc.checks);
  const used = new Set(plan.values());
  for (const c of hc.checks.filter((x) => !used.has(x))) {
    const what = c.domain === null ? 'the default servers: there are none' : `${c.domain}: no server= rule at or below it, or each server has a check of a longer domain`;
    log.warn(`${formatOrigin(c.origin)}: health-check for ${what}; it checks no server`);
  }
  const targets = registry.upstreams().flatMap((upstream) => {
    const key = registry.keyOf(upstream);
    const rule = plan.get(key);
    return rule === undefined ? [] : [{ upstream, rule, key }];
  });
  return new HealthChecks(targets, hc, config.forward.upstreamTimeoutMs, sharing);
}

/** Builds the routing table, its server groups and their health checks, without upstreams that are fandns itself. */
export function buildRouting(config: Config, deps: RoutingDeps): { registry: UpstreamRegistry; table: DomainTable<ServerGroup>; checks: HealthChecks | null; resolvRead: Map<string, string | null> } {
  const { log } = deps;
  const isSelf = selfDetector(deps.endpoints, deps.encryptedEndpoints);
  const self = (s: UpstreamSpec) => {
    if (!isSelf(s)) return false;
    log.warn(`${formatOrigin(s.origin)}: ignoring nameserver ${s.tls === undefined ? '' : s.tls.path === null ? 'tls://' : 'https://'}${s.address}#${s.port} - it is fandns itself`);
    return true;
  };
  const registry = new UpstreamRegistry(config.forward.policy, config.forward.upstreamTimeoutMs, (u, up, why) =>
    up ? log.info({ upstream: u.label }, `upstream is up again: ${why}`) : log.warn({ upstream: u.label }, `upstream is down: ${why}`),
    deps.previous?.carryOver(),
    {
      ignored: new AddressRanges(config.filters.ignoreAddresses),
      ports: {
        queryPort: config.forward.queryPort, range: config.forward.portRange, retry: config.forward.fastRetry,
        portLimit: config.forward.portLimit, encode0x20: config.forward.encode0x20, dump: deps.dump ?? null,
      },
      checkEcs: config.edns.addSubnet !== null,
      ...(deps.previous !== null ? { tally: deps.previous.tally, hostsFound: deps.previous.hostsFound() } : {}),
      tlsCa: config.forward.tlsCa,
      tap: deps.forwardTap ?? null,
      notice: (u, message) => log.warn({ upstream: u.label }, message),
      bootstrap: config.forward.bootstrap.filter((s) => !self(s)),
      lookupTimeoutMs: config.forward.queryTimeoutMs,
      report: {
        found: (name, addresses) => log.info({ host: name, addresses }, 'upstream host name looked up through bootstrap-server'),
        failed: (name, err, kept) => log.warn({ host: name, err: err.message, addresses: kept },
          kept.length > 0 ? 'cannot look up upstream host name: the addresses found before stay in use' : 'cannot look up upstream host name: its server cannot be reached'),
      },
    },
  );
  // A clear-text server still named by a host name was not looked up (server-name-lookup.ts runs at load): it cannot be asked.
  const lookedUp = (s: UpstreamSpec) => {
    if (!namedClearText(s)) return true;
    log.warn(`${formatOrigin(s.origin)}: ignoring server ${s.address}#${s.port} - its host name was not looked up`);
    return false;
  };
  const rules = config.rules.filter((r: DomainRule) => r.action.kind !== 'forward' || (lookedUp(r.action.server) && !self(r.action.server)));
  // The configuration's own lines were checked when it loaded; admin-api's rules come after.
  checkBootstrap(rules, config.forward.bootstrap);
  const resolvRead = new Map<string, string | null>();
  const resolv = readResolvServers(config, log, resolvRead).filter((s) => !self(s));
  const policies = policyScope(config.forward);
  const table = new DomainTable(rules, resolv, (specs, scope) => registry.group(specs, policies.of(scope), policies.tcp(scope)));
  for (const p of policies.unused()) log.warn(`${formatOrigin(p.origin)}: ${p.policy}=/${p.domain}/ applies to no server= rule at or below ${p.domain}`);
  registry.settle();
  log.debug({ policy: config.forward.policy, domainPolicies: config.forward.domainPolicies.map((p) => `${p.policy}=/${p.domain}/`), servers: registry.upstreams().map((u) => u.label) }, 'upstream servers of this configuration');
  if (!table.hasDefaultServers) log.warn('no default upstream servers configured: names without a server= rule get REFUSED');
  return { registry, table, checks: planChecks(config, log, registry, rules, resolv, deps.checkSharing ?? null), resolvRead };
}

/**
 * With dns-loop-detect, hands the registry to the loop detector, which probes the default servers
 * (names without a server= rule go to them, as in dnsmasq's loop.c) when they changed or on
 * SIGHUP; without it, clears any looped mark a reload carried over.
 */
export function checkLoops(on: boolean, loops: LoopDetector, registry: UpstreamRegistry, table: DomainTable<ServerGroup>, round: boolean): void {
  if (on) return loops.attach(registry, table.defaultGroup?.members ?? [], registry.attemptMs, round);
  loops.detach();
  for (const u of registry.upstreams()) registry.setLooped(registry.keyOf(u), false);
}
