/**
 * One forwarding scenario: fake upstreams with their scripts, a proxy whose default servers are
 * those upstreams in order (plus extra config lines), and a cleanup that always runs. Each
 * scenario gets fresh upstreams, so health and RTT state never leak between tests.
 */
import { FakeUpstream, type Script } from './fake-upstream.js';
import { startProxy, type TestProxy } from './proxy.js';

/** What a scenario body receives. */
export interface Scenario {
  readonly ups: FakeUpstream[];
  readonly proxy: TestProxy;
}

/** Starts the upstreams and the proxy, runs `body`, then stops everything. */
export async function withUpstreams(scripts: readonly Script[], extraConf: string, body: (s: Scenario) => Promise<void>): Promise<void> {
  const ups: FakeUpstream[] = [];
  let proxy: TestProxy | null = null;
  try {
    for (const s of scripts) ups.push(await FakeUpstream.start(s));
    proxy = await startProxy([...ups.map((u) => `server=${u.spec}`), extraConf].join('\n'));
    await body({ ups, proxy });
  } finally {
    await proxy?.stop();
    await Promise.all(ups.map((u) => u.close()));
  }
}
