/**
 * Local answers: hosts files (addn-hosts, expand-hosts), host-record with PTR, txt-record,
 * srv-host, mx-host, NODATA for other types of a local name, domain-needed, bogus-priv,
 * stop-dns-rebind with rebind-domain-ok, and NXDOMAIN→NODATA for locally known names.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { answerData } from '../helpers/dns-client.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('local data', () => {
  let dir: string;
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-hosts-'));
    writeFileSync(join(dir, 'hosts'), '# test hosts\n192.168.7.10  printer  printer-alias\n2001:db8::7  v6host.lan\nnot-an-ip name\n');
    up = await FakeUpstream.start((q) => {
      if (q.name.startsWith('priv.')) return { answers: [rr.a(q.name, '192.168.0.66', 60)] };
      if (q.name.startsWith('lo.')) return { answers: [rr.a(q.name, '127.0.0.1', 60)] };
      if (q.name.endsWith('service.consul')) return { answers: [rr.a(q.name, '10.0.0.5', 60)] };
      if (q.name.endsWith('corp.test')) return { rcode: 'NXDOMAIN' };
      return { answers: [rr.a(q.name, '93.184.216.34', 60)] };
    });
    proxy = await startProxy([
      `server=${up.spec}`,
      `addn-hosts=${dir}`,
      'expand-hosts',
      'domain=home.lan',
      'host-record=nas.example.lan,nas,192.168.7.20,2001:db8::20,600',
      'host-record=deep.sub.corp.test,10.9.9.9',
      'txt-record=info.example.lan,"hello, world","second"',
      'srv-host=_ldap._tcp.example.lan,nas.example.lan,389,10,5',
      'mx-host=example.lan,mail.example.lan,10',
      'domain-needed',
      'bogus-priv',
      'stop-dns-rebind',
      'rebind-domain-ok=/service.consul/',
      'local-ttl=30',
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = (name: string, type = 'A') => proxy.query(name, { type });

  it('answers hosts-file names with A/AAAA, authoritatively, with local-ttl', async () => {
    const r = await q('printer');
    assert.deepEqual(answerData(r.packet), ['192.168.7.10']);
    assert.ok(r.aa);
    assert.equal((r.packet.answers?.[0] as { ttl: number }).ttl, 30);
    assert.deepEqual(answerData((await q('printer-alias')).packet), ['192.168.7.10']);
    assert.deepEqual(answerData((await q('printer.home.lan')).packet), ['192.168.7.10'], 'expand-hosts');
    assert.deepEqual(answerData((await q('v6host.lan', 'AAAA')).packet), ['2001:db8::7']);
  });

  it('answers PTR for hosts and host-record addresses', async () => {
    assert.deepEqual(answerData((await q('10.7.168.192.in-addr.arpa', 'PTR')).packet), ['printer']);
    assert.deepEqual(answerData((await q('20.7.168.192.in-addr.arpa', 'PTR')).packet), ['nas.example.lan']);
  });

  it('answers host-record names with their own TTL, for every name given', async () => {
    const r = await q('nas.example.lan');
    assert.deepEqual(answerData(r.packet), ['192.168.7.20']);
    assert.equal((r.packet.answers?.[0] as { ttl: number }).ttl, 600);
    assert.deepEqual(answerData((await q('nas', 'AAAA')).packet), ['2001:db8::20']);
  });

  it('answers txt-record, srv-host and mx-host', async () => {
    assert.deepEqual(answerData((await q('info.example.lan', 'TXT')).packet), ['hello, worldsecond']);
    const srv = (await q('_ldap._tcp.example.lan', 'SRV')).packet.answers?.[0] as { data: { target: string; port: number; priority: number; weight: number } };
    assert.deepEqual(srv.data, { priority: 10, weight: 5, port: 389, target: 'nas.example.lan' });
    const mx = (await q('example.lan', 'MX')).packet.answers?.[0] as { data: { exchange: string; preference: number } };
    assert.deepEqual(mx.data, { preference: 10, exchange: 'mail.example.lan' });
  });

  it('answers NODATA, not a forward, for another type of a local name', async () => {
    const before = up.queries.length;
    const r = await q('printer', 'MX');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.packet.answers?.length, 0);
    assert.ok(r.aa);
    assert.equal(up.queries.length, before);
  });

  it('domain-needed: dotless A/AAAA names are never forwarded', async () => {
    const before = up.queries.length;
    const a = await q('intranet');
    assert.equal(a.rcode, 'NXDOMAIN');
    assert.equal(a.aa, false, 'dnsmasq 2.90 sets no AA on these');
    assert.equal((await q('intranet', 'AAAA')).rcode, 'NXDOMAIN');
    const parent = await q('lan', 'AAAA');
    assert.equal(parent.rcode, 'NOERROR', 'a dotless parent of local names is NODATA');
    assert.equal(parent.aa, false);
    assert.equal(up.queries.length, before);
  });

  it('bogus-priv: private reverse lookups not known locally are NXDOMAIN', async () => {
    const before = up.queries.length;
    assert.equal((await q('99.1.168.192.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
    assert.equal((await q('1.0.0.10.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
    assert.equal(up.queries.length, before);
    await q('34.216.184.93.in-addr.arpa', 'PTR');
    assert.equal(up.queries.length, before + 1, 'public ranges are forwarded');
  });

  it('stop-dns-rebind blanks private answers except under rebind-domain-ok', async () => {
    const r = await q('priv.evil.test');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.packet.answers?.length, 0);
    assert.equal((await q('lo.evil.test')).packet.answers?.length, 0, 'loopback counts without rebind-localhost-ok');
    assert.deepEqual(answerData((await q('web.service.consul')).packet), ['10.0.0.5']);
    assert.deepEqual(answerData((await q('public.test')).packet), ['93.184.216.34']);
  });

  it('turns an upstream NXDOMAIN for a parent of local names into NODATA', async () => {
    const r = await q('sub.corp.test', 'AAAA');
    assert.equal(up.count('sub.corp.test'), 1, 'the parent itself has no local data: it is forwarded');
    assert.equal(r.rcode, 'NOERROR');
    assert.ok(r.aa);
    assert.equal((await q('other.corp.test')).rcode, 'NXDOMAIN', 'other names keep the NXDOMAIN');
  });
});
