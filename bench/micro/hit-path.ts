/**
 * The whole cache-hit path inside the process, without sockets: src/listen/accept.ts acceptQuery
 * (parse, Query) and the runtime's dispatcher (chain of handlers, cache lookup, render, finalize)
 * on a Runtime built from a config file, over 100 cached names as bench's hit scenario uses.
 * What the difference between fandns and the echo floor should be made of.
 */
import { buildEntry } from '../../src/cache/entry-build.js';
import { systemClock } from '../../src/clock.js';
import { parseConfigText } from '../../src/config/load.js';
import { acceptCounters, acceptQuery } from '../../src/listen/accept.js';
import { createLogger } from '../../src/log/logger.js';
import type { Client } from '../../src/pipeline/query.js';
import { buildRuntime } from '../../src/runtime.js';
import { scanMessage } from '../../src/wire/layout.js';
import { parseQuery, type ParsedQuery } from '../../src/wire/query-parse.js';
import { answerWire, queryWire } from './fixtures.js';
import type { Case } from './harness.js';

const CONF = 'no-resolv\nno-hosts\nserver=127.0.0.1#9\ncache-size=10000\n';
const POLICY = { minCacheTtl: 0, maxCacheTtl: 2_147_483_647, negTtl: null, noNegcache: false };

/** A config with synth-domain ranges whose domains the hit names are not under (the check's cost on other names). */
const SYNTH_CONF = `${CONF}synth-domain=lan,192.168.0.0/24,host-\nsynth-domain=v6.lan,2001:db8::/64\n`;

/** A config with interface-name, dynamic-host and localise-queries set, for names other than the hit names. */
const IFACE_CONF = `${CONF}interface-name=gw.lan,lo\ndynamic-host=nas.lan,0.0.0.8,lo\nlocalise-queries\n`;

/** The hit-path cases: 100 names, with and without EDNS in the query (and with synth-domain or interface-name set). */
export function hitPathCases(): Case[] {
  const plain = hitPath(CONF);
  return [
    { name: 'whole hit path: 100 names, no EDNS', fn: plain.plain },
    { name: 'whole hit path: 100 names, EDNS', fn: plain.edns },
    { name: 'whole hit path: 100 names, no EDNS, synth-domain set', fn: hitPath(SYNTH_CONF).plain },
    { name: 'whole hit path: 100 names, no EDNS, interface-name set', fn: hitPath(IFACE_CONF).plain },
  ];
}

/** A runtime for `conf` with 100 cached names, and runners asking for them. */
function hitPath(conf: string): { plain: Case['fn']; edns: Case['fn'] } {
  const rt = buildRuntime(parseConfigText(conf), { log: createLogger('silent'), clock: systemClock, tap: null, endpoints: [], keepStore: null, previous: null, pending: { n: 0 }, version: '0' });
  const names = Array.from({ length: 100 }, (_, i) => `h${i}.bench.test`);
  for (const name of names) {
    const answer = answerWire(name, 1);
    const entry = buildEntry(answer, scanMessage(answer)!, systemClock.now(), POLICY, false, false)!;
    for (const edns of [false, true]) rt.store.set((parseQuery(queryWire(name, 'A', edns)) as ParsedQuery).key, entry);
  }
  const counters = acceptCounters();
  const client: Client = { address: '127.0.0.1', port: 40000, protocol: 'udp', localAddress: '127.0.0.1', localPort: 53, reply: () => {} };
  const plain = names.map((n) => queryWire(n, 'A', false));
  const edns = names.map((n) => queryWire(n, 'A', true));
  const run = (msgs: Buffer[]) => (i: number) => acceptQuery(msgs[i % 100]!, client, rt.dispatch, counters, 1232, false);
  return { plain: run(plain), edns: run(edns) };
}
