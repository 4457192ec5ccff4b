/**
 * tls:// and https:// servers named by host name, and `bootstrap-server=`, the servers those names
 * are looked up with. A host name is the certificate's name unless `,NAME` gives another; an
 * @SOURCE address fixes the family looked up; a one-label name or a numeric last label stays an
 * error (clear-text servers named by host name: server-names.test.ts). Without bootstrap-server= such a server is an error at its line (a
 * servers-file line: a warning, and the line is left out).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText, loadConfig } from '../../../src/config/load.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { specKey } from '../../../src/upstream/registry.js';
import { upstreamLabel } from '../../../src/upstream/upstream.js';
import { assertConfigError, forwardServers, TempTree } from '../../helpers/config.js';

const BOOT = 'bootstrap-server=192.0.2.53';
const one = (line: string): UpstreamSpec => forwardServers(`${BOOT}\n${line}`)[0]!.server;

describe('tls:// and https:// servers named by host name', () => {
  it('keeps the name (lower case, no final dot) as the address, the certificate name and the label', () => {
    const t = one('server=tls://DNS.Quad9.net.');
    assert.deepEqual([t.address, t.port, t.lookup, t.tls], ['dns.quad9.net', 853, 0, { name: 'dns.quad9.net', path: null }]);
    assert.equal(upstreamLabel(t), 'tls://dns.quad9.net#853');
    const h = one('server=https://cloudflare-dns.com/dns-query');
    assert.deepEqual([h.address, h.port, h.lookup, h.tls], ['cloudflare-dns.com', 443, 0, { name: 'cloudflare-dns.com', path: '/dns-query' }]);
    assert.equal(upstreamLabel(h), 'https://cloudflare-dns.com:443/dns-query');
  });

  it('takes a port, a path, a certificate name of its own and domains, as an address does', () => {
    const t = one('server=/service.consul/tls://consul.example.net#8853,Consul.Internal');
    assert.deepEqual([t.address, t.port, t.tls?.name], ['consul.example.net', 8853, 'consul.internal']);
    const h = one('server=https://doh.example.net:8443/resolve');
    assert.deepEqual([h.address, h.port, h.tls?.path], ['doh.example.net', 8443, '/resolve']);
  });

  it('looks up only the family of an @SOURCE address', () => {
    const v4 = one('server=tls://dns.quad9.net@192.0.2.1');
    assert.deepEqual([v4.lookup, v4.family, v4.sourceAddress], [4, 4, '192.0.2.1']);
    const v6 = one('server=https://dns.quad9.net/dns-query@2001:db8::1#5353');
    assert.deepEqual([v6.lookup, v6.family, v6.sourceAddress, v6.sourcePort], [6, 6, '2001:db8::1', 5353]);
    assert.equal(one('server=tls://dns.quad9.net@eth0').lookup, 0, 'an interface fixes no family');
  });

  it('is a server apart from its addresses, by name', () => {
    const keys = new Set(forwardServers([BOOT, 'server=tls://dns.quad9.net', 'server=tls://9.9.9.9,dns.quad9.net', 'server=https://dns.quad9.net'].join('\n')).map((r) => specKey(r.server)));
    assert.equal(keys.size, 3);
  });

  const bad: [string, RegExp][] = [
    ['server=tls://localhost', /"localhost": an IPv4 or IPv6 address, or a host name with a dot/],
    ['server=tls://bad_name.example', /bad server address "bad_name\.example"/],
    ['server=tls://10.0.0.300', /bad server address "10\.0\.0\.300"/],
    ['server=tls://dns.quad9.net%eth0', /bad server address/],
    ['server=https://user@9.9.9.9', /"user": an IPv4 or IPv6 address, or a host name with a dot/],
    ['server=tls://dns.quad9.net@192.0.2.1@2001:db8::1', /cannot use IPv4 server address with IPv6 source address/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parseConfigText(`no-resolv\n${BOOT}\n${line}`, 'test.conf'), 'FANDNS_CONFIG_VALUE', 'test.conf:3', message);
    });
  }
});

describe('bootstrap-server=', () => {
  it('takes servers by address as server= writes them (port, source, tls://), in order', () => {
    const c = parseConfigText('no-resolv\nbootstrap-server=192.0.2.53\nbootstrap-server=tls://9.9.9.9,dns.quad9.net\nbootstrap-server=2001:db8::53#5353@2001:db8::1', 'test.conf');
    assert.deepEqual(c.forward.bootstrap.map(upstreamLabel), ['192.0.2.53#53', 'tls://9.9.9.9#853', '2001:db8::53#5353']);
    assert.equal(c.forward.bootstrap[2]!.sourceAddress, '2001:db8::1');
    assert.deepEqual(parseConfigText('no-resolv\nserver=127.0.0.1', 'test.conf').forward.bootstrap, []);
  });

  const bad: [string, RegExp][] = [
    ['bootstrap-server=dns.quad9.net', /write its address/],
    ['bootstrap-server=tls://dns.quad9.net', /write its address \(a host name would need a bootstrap server of its own\)/],
    ['bootstrap-server=0.0.0.0', /0\.0\.0\.0 and :: name no server/],
    ['bootstrap-server=192.0.2.53#0', /bad port "0"/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parseConfigText(`no-resolv\n${line}`, 'test.conf'), 'FANDNS_CONFIG_VALUE', 'test.conf:2', message);
    });
  }

  it('needs a value', () => {
    assertConfigError(() => parseConfigText('no-resolv\nbootstrap-server=', 'test.conf'), 'FANDNS_CONFIG_SYNTAX', 'test.conf:2');
  });

  it('must be given for a server named by host name: the error names that server\'s line', () => {
    assertConfigError(() => parseConfigText('no-resolv\nserver=127.0.0.1\nserver=/consul/tls://consul.example.net', 'test.conf'),
      'FANDNS_CONFIG_CONFLICT', 'test.conf:3', /server tls:\/\/consul\.example\.net is named by a host name: add bootstrap-server=ADDR/);
    assert.equal(parseConfigText('no-resolv\nserver=tls://dns.quad9.net\nbootstrap-server=192.0.2.53', 'test.conf').rules.length, 1, 'the bootstrap line may come after');
  });

  it('leaves out a servers-file line named by host name without it, with a warning, and keeps the rest', () => {
    const tree = new TempTree();
    try {
      const sf = tree.write('servers', 'server=/a.test/tls://dns.quad9.net\nserver=/b.test/127.0.0.2\n');
      const conf = tree.write('main.conf', `no-resolv\nservers-file=${sf}\n`);
      const c = loadConfig({ file: conf });
      assert.deepEqual(c.rules.map((r) => r.domain.name), ['b.test']);
      assert.ok(c.warnings.some((w) => w.startsWith(`${sf}:1: server tls://dns.quad9.net is named by a host name`) && w.endsWith('line ignored')), c.warnings.join('\n'));
    } finally {
      tree.remove();
    }
  });
});
