/**
 * The scenarios: one dnsmasq-syntax config each (the same file for fandns and dnsmasq; only
 * `--port` differs), which query sets warm, load and time it, and which fandns options it needs
 * (a scenario whose option fandns does not implement yet is reported as "not available yet").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZONE } from './query-files.js';

/** The query files prepared for a run (see run.ts). */
export type QueryFileId = 'hit' | 'warmUnique' | 'loadUnique' | 'latencyUnique' | 'mixedLoad' | 'mixedLatency' | 'alias';

/** A query file and whether dnsperf may loop over it (false: unique names, `-n 1`). */
export interface QuerySet {
  readonly file: QueryFileId;
  readonly loop: boolean;
}

/** What a scenario's config needs to know. */
export interface ConfigContext {
  readonly upstreamPorts: readonly number[];
  readonly workDir: string;
  readonly uniqueNames: number;
}

/** One scenario. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly tcp: boolean;
  /** Upstream dnsmasq instances used (their ports are the first N of the context). */
  readonly upstreams: number;
  /**
   * Also run a bare Node floor: the UDP echo server (the floor for a cache hit) or the UDP relay
   * (the floor for a forwarded query: the same four datagrams, no work).
   */
  readonly floor: 'echo' | 'relay' | null;
  /** fandns directives the config relies on. */
  readonly needs: readonly string[];
  readonly warm: QuerySet;
  readonly load: QuerySet;
  readonly latency: QuerySet;
  /** Rate of the latency run (full profile) when dnsmasq's capacity is not known, queries per second. */
  readonly latencyRate: number;
  readonly note: string;
  /** Put the answer count of one sample query into the notes (cname: full answer or bare CNAME). */
  readonly showSample?: boolean;
  config(c: ConfigContext): string[];
}

/** dnsmasq answers at most this many queries on one TCP connection, then closes it (config.h). */
const TCP_MAX_QUERIES = 100;

/** Aliases in the cname scenario: alias<i>.test → h<i>.bench.test. */
export const ALIASES = 10;

/** Names in the hosts file of the `ops` scenario. */
const HOSTS = 100;

/**
 * What an operator's config adds to the hit scenario's: a hosts file, domain-needed, bogus-priv, a
 * Consul domain rule and cname aliases. None of them answers the hit set; the scenario shows what
 * they cost every query. Writes the hosts file into the work directory.
 */
function operatorLines(c: ConfigContext): string[] {
  const hosts = join(c.workDir, 'ops-hosts');
  writeFileSync(hosts, Array.from({ length: HOSTS }, (_, i) => `10.9.${i >> 8}.${i & 255} host${i}.lan host${i}`).join('\n') + '\n');
  return [
    `addn-hosts=${hosts}`,
    'domain-needed',
    'bogus-priv',
    `server=/consul/127.0.0.1#${c.upstreamPorts[0]}`,
    ...Array.from({ length: ALIASES }, (_, i) => `cname=web${i}.example.lan,web${i}.service.consul`),
  ];
}

const hit: QuerySet = { file: 'hit', loop: true };

function base(id: string, c: ConfigContext, cacheSize: number, upstreams = 1): string[] {
  return [
    `# fandns bench, scenario "${id}": given unchanged to fandns and to dnsmasq; only --port differs.`,
    'no-resolv',
    'no-hosts',
    'bind-interfaces',
    'listen-address=127.0.0.1',
    'dns-forward-max=1000',
    `cache-size=${cacheSize}`,
    ...c.upstreamPorts.slice(0, upstreams).map((p) => `server=127.0.0.1#${p}`),
  ];
}

/** Every scenario, in run order. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'hit', title: 'cache hit (UDP)', tcp: false, upstreams: 1, floor: 'echo', needs: [],
    warm: hit, load: hit, latency: hit, latencyRate: 20_000,
    note: '50 names × A/AAAA, warmed first; the echo server is the floor',
    config: (c) => base('hit', c, 10_000),
  },
  {
    id: 'ops', title: 'cache hit, operator config (UDP)', tcp: false, upstreams: 1, floor: null,
    needs: ['addn-hosts', 'domain-needed', 'bogus-priv', 'cname'],
    warm: hit, load: hit, latency: hit, latencyRate: 20_000,
    note: `the hit scenario plus a hosts file (${HOSTS} names), domain-needed, bogus-priv, server=/consul/ and ${ALIASES} cname lines`,
    config: (c) => [...base('ops', c, 10_000), ...operatorLines(c)],
  },
  {
    id: 'miss', title: 'cache miss (UDP)', tcp: false, upstreams: 1, floor: 'relay', needs: [],
    warm: { file: 'warmUnique', loop: false }, load: { file: 'loadUnique', loop: false },
    latency: { file: 'latencyUnique', loop: false }, latencyRate: 8_000,
    note: 'a new name every query, forwarded to the upstream dnsmasq; the relay is the floor',
    config: (c) => base('miss', c, c.uniqueNames),
  },
  {
    id: 'mixed', title: 'mixed 90% hit (UDP)', tcp: false, upstreams: 1, floor: null, needs: [],
    warm: hit, load: { file: 'mixedLoad', loop: false }, latency: { file: 'mixedLatency', loop: false },
    latencyRate: 15_000, note: 'every 10th query a new name, the rest from the warmed hit set',
    config: (c) => base('mixed', c, c.uniqueNames),
  },
  {
    id: 'fanout', title: 'all-servers fan-out ×3, miss (UDP)', tcp: false, upstreams: 3, floor: null, needs: ['all-servers'],
    warm: { file: 'warmUnique', loop: false }, load: { file: 'loadUnique', loop: false },
    latency: { file: 'latencyUnique', loop: false }, latencyRate: 5_000,
    note: 'all-servers, three upstream dnsmasq instances, a new name every query',
    config: (c) => [...base('fanout', c, c.uniqueNames, 3), 'all-servers'],
  },
  {
    id: 'cname', title: 'cname to upstream target (UDP)', tcp: false, upstreams: 1, floor: null, needs: ['cname'],
    warm: { file: 'alias', loop: true }, load: { file: 'alias', loop: true }, latency: { file: 'alias', loop: true },
    latencyRate: 15_000, showSample: true,
    note: `cname=alias<i>.test,h<i>.${ZONE} (${ALIASES} aliases); dnsmasq answers a bare CNAME here (target only upstream)`,
    config: (c) => [...base('cname', c, 10_000), ...Array.from({ length: ALIASES }, (_, i) => `cname=alias${i}.test,h${i}.${ZONE}`)],
  },
  {
    id: 'tcp', title: 'cache hit (TCP)', tcp: true, upstreams: 1, floor: null, needs: [],
    warm: hit, load: hit, latency: hit, latencyRate: 3_000,
    note: `dnsperf -m tcp: 4 persistent connections, queries pipelined (RFC 7766). dnsmasq closes a connection after ${TCP_MAX_QUERIES} ` +
      'queries; the queries still in flight on it are lost and dnsperf waits for their timeout, which bounds its QPS here',
    config: (c) => base('tcp', c, 10_000),
  },
  {
    id: 'log', title: 'cache hit + log-queries (UDP)', tcp: false, upstreams: 1, floor: null, needs: ['log-queries', 'log-facility'],
    warm: hit, load: hit, latency: hit, latencyRate: 15_000,
    note: 'log-queries to a file with log-async=100',
    config: (c) => [...base('log', c, 10_000), 'log-queries', `log-facility=${c.workDir}/query.log`, 'log-async=100'],
  },
];

/** Looks scenarios up by id; throws on an unknown id. */
export function selectScenarios(ids: readonly string[] | null): Scenario[] {
  if (ids === null) return [...SCENARIOS];
  return ids.map((id) => {
    const s = SCENARIOS.find((x) => x.id === id);
    if (!s) throw new Error(`unknown scenario "${id}" (known: ${SCENARIOS.map((x) => x.id).join(', ')})`);
    return s;
  });
}
