/**
 * The chain most interop tests query: a real dnsmasq upstream serving a small Consul-like zone,
 * and an in-process fandns in front of it (`server=/service.consul/` plus the default server both
 * point at that dnsmasq). Clients (dig, kdig, dnspython) then talk to fandns.
 */
import { after, before } from 'node:test';
import { startDnsmasq, type RunningDnsmasq } from './dnsmasq.js';
import { startProxy, type TestProxy } from './proxy.js';

/** Number of A records `multi.test` has: 40 × 16 bytes do not fit in 512 bytes. */
export const MULTI_COUNT = 40;

/** The three 200-byte strings of the `big.test` TXT record (over 600 bytes in all). */
export const BIG_TXT = ['a', 'b', 'c'].map((ch) => ch.repeat(200));

/**
 * What the upstream dnsmasq serves, all with TTL 30 (local-ttl). `local=/service.consul/` makes it
 * answer unknown service names NXDOMAIN itself, as Consul does.
 */
export const UPSTREAM_CONF = [
  'local-ttl=30',
  'local=/service.consul/',
  'host-record=web.service.consul,10.1.0.1',
  'srv-host=_web._tcp.service.consul,web.service.consul,8080',
  ...Array.from({ length: MULTI_COUNT }, (_, i) => `address=/multi.test/10.2.0.${i + 1}`),
  `txt-record=big.test,${BIG_TXT.map((t) => `"${t}"`).join(',')}`,
].join('\n');

/** A running dnsmasq upstream with fandns in front. */
export interface Chain {
  readonly upstream: RunningDnsmasq;
  readonly proxy: TestProxy;
  stop(): Promise<void>;
}

/** Starts the upstream dnsmasq, then fandns routing to it. */
export async function startChain(): Promise<Chain> {
  const upstream = await startDnsmasq(UPSTREAM_CONF, { logQueries: true });
  let proxy: TestProxy;
  try {
    proxy = await startProxy(`server=/service.consul/${upstream.spec}\nserver=${upstream.spec}\n`);
  } catch (err) {
    await upstream.stop();
    throw err;
  }
  return {
    upstream,
    proxy,
    stop: async () => {
      await proxy.stop();
      await upstream.stop();
    },
  };
}

/**
 * Starts a chain before the enclosing suite's tests and stops it after them; returns a getter
 * (the chain exists only once `before` has run).
 */
export function chainForSuite(): () => Chain {
  let chain: Chain | undefined;
  before(async () => {
    chain = await startChain();
  });
  after(async () => {
    await chain?.stop();
  });
  return () => {
    if (!chain) throw new Error('chain not started');
    return chain;
  };
}
