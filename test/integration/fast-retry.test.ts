/**
 * fast-dns-retry on the wire, against fake upstreams that drop the first N datagrams: with the
 * option the same query (same ID, same source port) goes out again and the client gets the
 * answer; without it the one datagram is lost and the client gets SERVFAIL once upstream-timeout
 * ends the attempt. Copies stay within an attempt: a dead server ends in SERVFAIL when the
 * attempt does, strict-order moves on after upstream-timeout, all-servers copies to every server
 * still racing and stops once one answers. A server answering only copies stays up; TCP is never
 * copied; port-limit spreads copies over source ports.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';
import { answer, dead, dropFirst } from '../helpers/scripts.js';
import type { TestProxy } from '../helpers/proxy.js';

/** IDs and source ports of the UDP datagrams an upstream received. */
const udpSeen = (u: FakeUpstream) => u.queries.filter((q) => q.proto === 'udp').map((q) => ({ id: q.packet.id, port: q.source.port }));

/** The upstream `u` as the proxy knows it. */
const upstreamOf = (proxy: TestProxy, u: FakeUpstream) => {
  const found = proxy.server.runtime.registry.upstreams().find((x) => x.label === u.spec);
  assert.ok(found, u.spec);
  return found;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fast-dns-retry on the wire', () => {
  it('gets the answer through two lost datagrams, the copies carrying the same ID from the same port', () =>
    withUpstreams([dropFirst(2, '10.0.0.1')], 'fast-dns-retry=100,1000\nupstream-timeout=1000', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('lossy.retry.test');
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
      const seen = udpSeen(up!);
      assert.equal(seen.length, 3, 'the query and two copies');
      assert.deepEqual(new Set(seen.map((s) => `${s.id}/${s.port}`)).size, 1, 'one ID, one source port');
      assert.equal(upstreamOf(proxy, up!).stats.resent, 2);
      assert.equal(proxy.server.metricsSnapshot().upstreams[0]!.resent, 2, 'visible in the metrics');
    }));

  it('without the option sends once: the client gets SERVFAIL when upstream-timeout ends the attempt', () =>
    withUpstreams([dropFirst(1, '10.0.0.1')], 'upstream-timeout=300', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('lossy.once.test');
      assert.equal(r.rcode, 'SERVFAIL');
      assert.equal(udpSeen(up!).length, 1);
      assert.equal(upstreamOf(proxy, up!).stats.resent, 0);
    }));

  it('ends a dead server in SERVFAIL with the attempt, copies only while the retry time lasts', () =>
    withUpstreams([dead()], 'fast-dns-retry=100,600\nupstream-timeout=1000', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('dead.retry.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
      const seen = up!.queries;
      // Copies are never early; on a loaded machine one may come late enough to fall past the retry time.
      assert.ok(seen.length >= 2 && seen.length <= 3, `the query and copies at 100 and 300 ms; the one due at 700 is past the 600 ms retry time: ${seen.length}`);
      assert.ok(seen.at(-1)!.at - seen[0]!.at < 600, 'no copy after the retry time');
      assert.equal(new Set(seen.map((q) => q.packet.id)).size, 1);
    }));

  it('keeps a server that answers only copies up, and counts its replies', () =>
    withUpstreams([dropFirst(0, '10.0.0.9')], 'fast-dns-retry=100,1000\nupstream-timeout=1000', async ({ ups: [up], proxy }) => {
      let n = 0;
      up!.setScript((q) => (n++ % 2 === 0 ? { drop: true } : { answers: [{ type: 'A', name: q.name, ttl: 60, class: 'IN', data: '10.0.0.9' }] }));
      for (let i = 0; i < 4; i++) assert.equal((await proxy.query(`only-copies-${i}.retry.test`)).rcode, 'NOERROR');
      const u = upstreamOf(proxy, up!);
      assert.equal(u.health.up, true);
      assert.equal(u.stats.failures, 0);
      assert.equal(u.stats.answers, 4);
      assert.equal(u.stats.resent, 4);
    }));

  it('strict-order: copies go to the server being tried, and the next one is asked after upstream-timeout', () =>
    withUpstreams([dead(), answer('10.0.0.2')], 'strict-order\nfast-dns-retry=100,1000\nupstream-timeout=500', async ({ ups: [s1, s2], proxy }) => {
      const r = await proxy.query('strict.retry.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      const n = s1!.queries.length;
      assert.ok(n >= 2 && n <= 3, `the query and copies at 100 and 300 ms within the 500 ms attempt (one may come too late on a loaded machine): ${n}`);
      assert.equal(new Set(s1!.queries.map((q) => q.packet.id)).size, 1);
      assert.equal(s2!.queries.length, 1, 'answered at once: no copy');
    }));

  it('all-servers: copies go to every server still racing, and stop once one has answered', () =>
    withUpstreams([dead(), dropFirst(1, '10.0.0.2')], 'all-servers\nfast-dns-retry=100,1000\nupstream-timeout=1000', async ({ ups: [s1, s2], proxy }) => {
      const r = await proxy.query('all.retry.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      assert.equal(s2!.queries.length, 2);
      const atAnswer = s1!.queries.length;
      assert.ok(atAnswer >= 2, 'the silent server got a copy too');
      await sleep(500);
      assert.equal(s1!.queries.length, atAnswer, 'no copies once the race was decided');
    }));

  it('the default policy: a copy to the fastest server before the others are raced', () =>
    withUpstreams([dropFirst(0, '10.0.0.1'), dropFirst(0, '10.0.0.2')], 'fast-dns-retry=100,1000\nupstream-timeout=1000', async ({ ups: [a, b], proxy }) => {
      assert.equal((await proxy.query('measure.retry.test')).rcode, 'NOERROR'); // the first query measures both
      const before = [a!.queries.length, b!.queries.length];
      let lost = true;
      for (const u of [a!, b!]) u.setScript((q) => (lost ? ((lost = false), { drop: true }) : { answers: [{ type: 'A', name: q.name, ttl: 60, class: 'IN', data: '10.0.0.3' }] }));
      const r = await proxy.query('fastest.retry.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.3']);
      const sent = [a!.queries.length - before[0]!, b!.queries.length - before[1]!].sort();
      assert.deepEqual(sent, [0, 2], 'one server only: the query and its copy');
    }));

  it('port-limit=2: copies leave from two source ports in turn, one ID', () =>
    withUpstreams([dropFirst(3, '10.0.0.1')], 'fast-dns-retry=100,2000\nupstream-timeout=2000\nport-limit=2', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('ports.retry.test');
      assert.equal(r.rcode, 'NOERROR');
      const seen = udpSeen(up!);
      assert.equal(seen.length, 4);
      assert.equal(new Set(seen.map((s) => s.id)).size, 1);
      assert.equal(new Set(seen.map((s) => s.port)).size, 2);
    }));

  it('never copies over TCP: a truncated reply\'s TCP retry is sent once', () =>
    withUpstreams([(q) => (q.proto === 'udp' ? { truncateUdp: true, answers: [] } : { drop: true })], 'fast-dns-retry=100,1000\nupstream-timeout=800', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('tcp.retry.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
      assert.deepEqual(['udp', 'tcp'].map((p) => up!.queries.filter((q) => q.proto === p).length), [1, 1]);
    }));
});
