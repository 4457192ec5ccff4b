/**
 * CHAOS TXT identity and statistics names, with dig as the client and dnsmasq 2.90 as the
 * reference: the same config and the same traffic go to the real `fandns` process and to a real
 * dnsmasq (one loopback upstream each); then both are asked version.bind, the counters and
 * servers.bind, and names they must refuse with NOTIMP. A second pair runs with no-ident.
 * The counters compared are those whose meaning both share for this traffic (README "CHAOS").
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dig, type DigResult } from '../helpers/dig.js';
import { query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const chaos = (port: number, name: string, type = 'TXT'): Promise<DigResult> => dig(port, ['-c', 'CH', '-t', type, name, '+tries=1', '+time=3']);
/** The single TXT answer's strings, after checking the record's shape. */
function strings(r: DigResult, what: string): string[] {
  assert.equal(r.status, 'NOERROR', `${what}: ${r.text}`);
  assert.ok(r.flags.includes('aa'), `${what}: AA`);
  assert.equal(r.answer.length, 1, what);
  const a = r.answer[0]!;
  assert.equal(a.class, 'CH', what);
  assert.equal(a.type, 'TXT', what);
  return [...a.data.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

describe('CHAOS TXT names: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let up: FakeUpstream;
  let dir: string;
  let pair: ReferencePair;
  let quiet: ReferencePair;
  /** hits.bind of fandns and dnsmasq before the traffic. */
  const hitsBefore: number[] = [];

  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.7', 300)] }));
    dir = mkdtempSync(join(tmpdir(), 'fandns-chaos-'));
    pair = await startReferencePair(`server=${up.spec}\ncache-size=150`, dir, 'ident');
    quiet = await startReferencePair(`server=${up.spec}\nno-ident`, dir, 'quiet');
    // The same traffic to both: two names forwarded, one of them answered again from the cache.
    for (const port of [pair.fandns.port, pair.dnsmasq.port]) {
      hitsBefore.push(Number(strings(await chaos(port, 'hits.bind'), 'hits.bind before')[0]));
      for (const name of ['one.test', 'two.test', 'one.test']) assert.equal((await query(port, name)).rcode, 'NOERROR');
    }
  });
  after(async () => {
    await stopReferencePairs(pair, quiet);
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counters: the same hits, misses, cache size and servers line as dnsmasq, with TTL 0', async () => {
    const seen: Record<string, string[][]> = {};
    for (const name of ['hits.bind', 'misses.bind', 'cachesize.bind', 'evictions.bind', 'servers.bind']) {
      const mine = await chaos(pair.fandns.port, name);
      const ref = await chaos(pair.dnsmasq.port, name);
      seen[name] = [strings(mine, `fandns ${name}`), strings(ref, `dnsmasq ${name}`)];
      assert.equal(mine.answer[0]!.ttl, 0, `${name}: counters are never cached`);
      assert.equal(ref.answer[0]!.ttl, 0);
    }
    // One cache hit each, and the hits.bind asked before the traffic: both count every answer
    // made without an upstream, their own CHAOS answers included.
    assert.equal(Number(seen['hits.bind']![0]![0]) - hitsBefore[0]!, 2, 'fandns');
    assert.equal(Number(seen['hits.bind']![1]![0]) - hitsBefore[1]!, 2, 'dnsmasq');
    assert.deepEqual(seen['misses.bind'], [['2'], ['2']]);
    assert.deepEqual(seen['cachesize.bind'], [['150'], ['150']]);
    assert.deepEqual(seen['evictions.bind'], [['0'], ['0']]);
    assert.deepEqual(seen['servers.bind'], [[`${up.spec} 2 0`], [`${up.spec} 2 0`]]);
  });

  it('version.bind names the server, as dnsmasq names itself', async () => {
    assert.deepEqual(strings(await chaos(pair.fandns.port, 'version.bind'), 'fandns'), [`fandns-${PACKAGE_VERSION}`]);
    assert.match(strings(await chaos(pair.dnsmasq.port, 'version.bind'), 'dnsmasq')[0]!, /^dnsmasq-2\./);
  });

  it('other bind. and server. names, and other types, get NOTIMP from both and reach no upstream', async () => {
    const before = up.queries.length;
    for (const [name, type] of [['hostname.bind', 'TXT'], ['id.server', 'TXT'], ['bind', 'TXT'], ['version.bind', 'A']] as const) {
      for (const [who, port] of [['fandns', pair.fandns.port], ['dnsmasq', pair.dnsmasq.port]] as const) {
        const r = await chaos(port, name, type);
        assert.equal(r.status, 'NOTIMP', `${who} ${name} ${type}`);
        assert.ok(!r.flags.includes('aa'), `${who} ${name} ${type}: no AA`);
      }
    }
    assert.equal(up.queries.length, before);
  });

  it('no-ident: version.bind and the counters get NOTIMP from both', async () => {
    for (const name of ['version.bind', 'hits.bind', 'servers.bind']) {
      assert.equal((await chaos(quiet.fandns.port, name)).status, 'NOTIMP', `fandns ${name}`);
      assert.equal((await chaos(quiet.dnsmasq.port, name)).status, 'NOTIMP', `dnsmasq ${name}`);
    }
  });

  it('answers the names over TCP too', async () => {
    const r = await dig(pair.fandns.port, ['-c', 'CH', '-t', 'TXT', 'version.bind', '+tcp', '+tries=1', '+time=3']);
    assert.equal(r.protocol, 'TCP');
    assert.deepEqual(strings(r, 'fandns over TCP'), [`fandns-${PACKAGE_VERSION}`]);
  });
});
