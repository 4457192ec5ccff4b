/**
 * fandns's DNS-over-HTTPS syntax: `server=[/d/]https://ADDR[:PORT][/PATH][@SOURCE][,NAME]`, a URL
 * whose host is an address here (port 443 and path /dns-query unless given; a host name:
 * bootstrap.test.ts). Every form gives the
 * expected server, every malformed one a ConfigError at file:line naming what is wrong; an
 * https:// server is a server of its own, apart from the same address over TLS or another path.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { specKey } from '../../../src/upstream/registry.js';
import { upstreamLabel } from '../../../src/upstream/upstream.js';
import { assertConfigError, forwardServers } from '../../helpers/config.js';

const servers = forwardServers;

const one = (line: string): UpstreamSpec => servers(line)[0]!.server;

describe('server=https://', () => {
  it('takes port 443 and path /dns-query unless given, and checks the address when no name is given', () => {
    const s = one('server=https://1.1.1.1');
    assert.deepEqual([s.address, s.port, s.tls], ['1.1.1.1', 443, { name: null, path: '/dns-query' }]);
    assert.equal(upstreamLabel(s), 'https://1.1.1.1:443/dns-query');
    assert.deepEqual(one('server=https://1.1.1.1/').tls, { name: null, path: '/dns-query' });
  });

  it('takes a port, a path of its own and the certificate name after a comma', () => {
    const s = one('server=https://9.9.9.9:5053/resolve/dns,DNS.Quad9.net.');
    assert.deepEqual([s.address, s.port, s.tls], ['9.9.9.9', 5053, { name: 'dns.quad9.net', path: '/resolve/dns' }]);
    assert.equal(upstreamLabel(s), 'https://9.9.9.9:5053/resolve/dns');
  });

  it('takes IPv6 addresses in brackets, as URLs write them', () => {
    const s = one('server=https://[2620:fe::fe]:443/dns-query,dns.quad9.net');
    assert.deepEqual([s.address, s.family, s.port], ['2620:fe::fe', 6, 443]);
    assert.equal(upstreamLabel(s), 'https://[2620:fe::fe]:443/dns-query');
  });

  it('keeps a source address after the URL', () => {
    const s = one('server=https://10.0.0.53/dns-query@10.0.0.1#4000,doh.corp.example');
    assert.deepEqual([s.address, s.sourceAddress, s.sourcePort, s.tls?.name], ['10.0.0.53', '10.0.0.1', 4000, 'doh.corp.example']);
  });

  it('goes under /domain/ rules, whose slashes end before https://', () => {
    const rules = servers('server=/service.consul/example.org/https://10.0.0.5:8443/dns-query,consul.example');
    assert.deepEqual(rules.map((r) => [r.domain, r.server.port, r.server.tls?.path]), [
      ['service.consul', 8443, '/dns-query'],
      ['example.org', 8443, '/dns-query'],
    ]);
    const rev = servers('rev-server=10.0.0.0/8,https://10.0.0.5');
    assert.deepEqual(rev.map((r) => [r.domain, r.server.port]), [['10.in-addr.arpa', 443]]);
  });

  it('is a server apart from the same address over TLS, on another path, or with another name', () => {
    const keys = new Set(servers([
      'server=tls://9.9.9.9#443', 'server=https://9.9.9.9', 'server=https://9.9.9.9/other', 'server=https://9.9.9.9,dns.quad9.net',
    ].join('\n')).map((r) => specKey(r.server)));
    assert.equal(keys.size, 4);
  });

  const bad: [string, RegExp][] = [
    ['server=https://', /https:\/\/ needs an address/],
    ['server=https://9.9.9.9#443/dns-query', /write the port as in a URL/],
    ['server=https://9.9.9.9:0/dns-query', /bad port "0"/],
    ['server=https://9.9.9.9:70000', /not a URL/],
    ['server=https://9.9.9.9/dns-query?dns=AAAB', /only an address, a port and a path/],
    ['server=https://user@9.9.9.9', /"user": an IPv4 or IPv6 address, or a host name with a dot|bad source/],
    ['server=https://9.9.9.9,bad_name', /"bad_name" is not a host name/],
    ['server=https://2620:fe::fe/dns-query', /not a URL|not an IP address/],
    ['server=/consul/https://', /https:\/\/ needs an address/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parseConfigText(`no-resolv\n${line}`, 'test.conf'), 'FANDNS_CONFIG_VALUE', 'test.conf:2', message);
    });
  }
});
