/**
 * Server policies per domain on the wire: `all-servers=/service.consul/` sends every Consul query
 * to all three agents while the default servers keep the fastest policy (one server once measured);
 * `strict-order=/corp/` under a global `all-servers` asks the corp servers in order and the default
 * servers all at once; servers read from a servers-file take their domain's policy too.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream, type Script } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answer, servfail } from '../helpers/scripts.js';
import { TempTree } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';

const CONF = 'upstream-timeout=400\nquery-timeout=3000';

/** Starts one fake upstream per script, a proxy from `conf(upstreams)`, runs `body`, cleans up. */
async function scenario(scripts: Script[], conf: (u: FakeUpstream[]) => string, body: (p: TestProxy, u: FakeUpstream[]) => Promise<void>): Promise<void> {
  const ups: FakeUpstream[] = [];
  let proxy: TestProxy | null = null;
  try {
    for (const s of scripts) ups.push(await FakeUpstream.start(s));
    proxy = await startProxy(`${conf(ups)}\n${CONF}`);
    await body(proxy, ups);
  } finally {
    await proxy?.stop();
    await Promise.all(ups.map((u) => u.close()));
  }
}

/** How many of `ups` saw a query for `name`. */
const askedBy = (ups: FakeUpstream[], name: string) => ups.filter((u) => u.count(name) > 0).length;

describe('server policy per domain', () => {
  it('all-servers=/service.consul/ asks every agent; the default servers stay on the fastest one', () =>
    scenario([answer('192.0.2.1'), answer('192.0.2.2'), answer('10.0.0.1'), answer('10.0.0.2'), answer('10.0.0.3')], (u) => [
      `server=${u[0]!.spec}`, `server=${u[1]!.spec}`,
      ...u.slice(2).map((x) => `server=/service.consul/${x.spec}`), 'all-servers=/service.consul/',
    ].join('\n'), async (p, u) => {
      const defaults = u.slice(0, 2);
      const consul = u.slice(2);
      await p.query('first.example.test'); // the first query measures both default servers
      await waitFor(() => askedBy(defaults, 'first.example.test') === 2, 'both default servers measured');
      for (const n of ['a', 'b', 'c']) {
        const r = await p.query(`${n}.service.consul`);
        assert.equal(r.rcode, 'NOERROR');
        await waitFor(() => askedBy(consul, `${n}.service.consul`) === 3, `every agent asked for ${n}`);
        const d = await p.query(`${n}.example.test`);
        assert.equal(d.rcode, 'NOERROR');
        assert.equal(askedBy(defaults, `${n}.example.test`), 1, 'a default name goes to the fastest server only');
      }
    }));

  it('strict-order=/corp/ overrides a global all-servers for the corp servers only', () =>
    scenario([answer('192.0.2.1'), answer('192.0.2.2'), answer('10.9.0.1'), answer('10.9.0.2')], (u) => [
      'all-servers', `server=${u[0]!.spec}`, `server=${u[1]!.spec}`,
      `server=/corp/${u[2]!.spec}`, `server=/corp/${u[3]!.spec}`, 'strict-order=/corp/',
    ].join('\n'), async (p, u) => {
      const r = await p.query('intranet.corp');
      assert.deepEqual(answerData(r.packet), ['10.9.0.1'], 'the first corp server in config order');
      assert.equal(u[3]!.count('intranet.corp'), 0, 'the second corp server is not asked while the first answers');
      await p.query('www.example.test');
      await waitFor(() => askedBy(u.slice(0, 2), 'www.example.test') === 2, 'the default servers asked all at once');
    }));

  it('strict-order=/corp/ moves on to the next corp server on SERVFAIL', () =>
    scenario([answer('192.0.2.1'), servfail(), answer('10.9.0.2')], (u) => [
      `server=${u[0]!.spec}`, `server=/corp/${u[1]!.spec}`, `server=/corp/${u[2]!.spec}`, 'strict-order=/corp/',
    ].join('\n'), async (p) => {
      assert.deepEqual(answerData((await p.query('intranet.corp')).packet), ['10.9.0.2']);
    }));

  it('applies to servers read from a servers-file', async () => {
    const tree = new TempTree();
    try {
      await scenario([answer('192.0.2.1'), answer('10.0.0.1'), answer('10.0.0.2')], (u) => {
        const file = tree.write('servers', u.slice(1).map((x) => `server=/service.consul/${x.spec}`).join('\n'));
        return [`server=${u[0]!.spec}`, `servers-file=${file}`, 'merge-answers=/service.consul/'].join('\n');
      }, async (p) => {
        const r = await p.query('web.service.consul');
        assert.deepEqual(answerData(r.packet).sort(), ['10.0.0.1', '10.0.0.2']);
      });
    } finally {
      tree.remove();
    }
  });
});
