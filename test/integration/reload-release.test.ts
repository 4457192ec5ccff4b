/**
 * A reload carries counters and upstream health over to the new runtime, and must carry nothing
 * that keeps the replaced runtime alive: after many reloads, once their queries are done, the old
 * runtimes and their upstream registries are garbage. (Carrying the old Upstream objects did keep
 * them: a health callback's closure reached the registry, whose carried servers reached the one
 * before, and so on, ~0.25 MB of socket tables a reload.)
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { freePort } from '../helpers/fake-upstream.js';
import { answer } from '../helpers/scripts.js';
import { withUpstreams } from '../helpers/scenario.js';
import { sleep } from '../helpers/wait.js';

setFlagsFromString('--expose-gc');
/** V8's collector, made callable here (the flag above exposes it to new contexts). */
const gc = runInNewContext('gc') as () => void;

/** Collects until `refs` are all cleared or `tries` rounds have passed; returns how many remain. */
async function collect(refs: readonly WeakRef<object>[], tries = 60): Promise<number> {
  for (let i = 0; i < tries; i++) {
    gc();
    await sleep(50);
    if (refs.every((r) => r.deref() === undefined)) return 0;
  }
  return refs.filter((r) => r.deref() !== undefined).length;
}

describe('reload: the replaced runtime is let go', () => {
  /** 20 reloads with `conf`, then every replaced runtime and registry must be collectable. */
  const reloads = (conf: string) =>
    withUpstreams([answer('10.0.0.1')], `query-timeout=300\nupstream-timeout=200\n${conf}`, async ({ proxy }) => {
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 20; i++) {
        assert.equal((await proxy.query(`r${i}.reload.test`)).rcode, 'NOERROR');
        refs.push(new WeakRef(proxy.server.runtime), new WeakRef(proxy.server.runtime.registry));
        proxy.server.reload(proxy.config);
      }
      await sleep(1500); // the last replaced runtime closes its sockets query-timeout + 1 s after the reload
      assert.equal(await collect(refs), 0, 'replaced runtimes and registries still reachable');
      assert.equal(proxy.server.runtime.registry.upstreams()[0]!.stats.queries, 20, 'the counters went on');
    });

  it('keeps no replaced runtime or registry alive after 20 reloads', () => reloads(''));

  it('nor with query-port, whose socket each reload hands on', async () => reloads(`query-port=${await freePort()}`));
});
