/**
 * fandns's DNS-over-TLS syntax: `server=[/d/]tls://ADDR[#PORT][@SOURCE][,NAME]` (port 853 unless
 * given) and `tls-ca-file=`. Every form gives the expected server, every malformed one a
 * ConfigError at file:line; a tls:// server is a server of its own, apart from the same address
 * in clear text.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../../src/config/load.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { specKey } from '../../../src/upstream/registry.js';
import { upstreamLabel } from '../../../src/upstream/upstream.js';
import { assertConfigError, forwardServers } from '../../helpers/config.js';

const CA = fileURLToPath(new URL('../../../../test/fixtures/tls/ca.pem', import.meta.url));

const servers = forwardServers;

const one = (line: string): UpstreamSpec => servers(line)[0]!.server;

describe('server=tls://', () => {
  it('takes port 853 unless one is given, and checks the address when no name is given', () => {
    const s = one('server=tls://9.9.9.9');
    assert.deepEqual([s.address, s.port, s.tls], ['9.9.9.9', 853, { name: null, path: null }]);
    assert.equal(one('server=tls://9.9.9.9#8853').port, 8853);
    assert.equal(upstreamLabel(s), 'tls://9.9.9.9#853');
  });

  it('takes the certificate name after a comma, lower-cased, without a final dot', () => {
    const s = one('server=tls://1.1.1.1#853,Cloudflare-DNS.com.');
    assert.deepEqual([s.address, s.port, s.tls], ['1.1.1.1', 853, { name: 'cloudflare-dns.com', path: null }]);
  });

  it('keeps a source address (and gives the port before it)', () => {
    const s = one('server=tls://10.0.0.5@10.0.0.1,consul.example');
    assert.deepEqual([s.address, s.port, s.sourceAddress, s.tls], ['10.0.0.5', 853, '10.0.0.1', { name: 'consul.example', path: null }]);
    const t = one('server=tls://10.0.0.5#8853@10.0.0.1#4000');
    assert.deepEqual([t.port, t.sourceAddress, t.sourcePort], [8853, '10.0.0.1', 4000]);
  });

  it('takes IPv6 addresses as plain server= does', () => {
    const s = one('server=tls://2001:db8::53#853,dns.example');
    assert.deepEqual([s.address, s.family, s.port], ['2001:db8::53', 6, 853]);
  });

  it('goes under /domain/ rules and rev-server=, whose slashes end before tls://', () => {
    const rules = servers('server=/service.consul/example.org/tls://10.0.0.5#8853,consul.example');
    assert.deepEqual(rules.map((r) => [r.domain, r.server.port, r.server.tls?.name]), [
      ['service.consul', 8853, 'consul.example'],
      ['example.org', 8853, 'consul.example'],
    ]);
    const rev = servers('rev-server=10.0.0.0/8,tls://10.0.0.5');
    assert.deepEqual(rev.map((r) => [r.domain, r.server.port, r.server.tls]), [['10.in-addr.arpa', 853, { name: null, path: null }]]);
  });

  it('is a server apart from the same address in clear text, and from another certificate name', () => {
    const keys = new Set(servers('server=9.9.9.9#853\nserver=tls://9.9.9.9\nserver=tls://9.9.9.9,dns.quad9.net').map((r) => specKey(r.server)));
    assert.equal(keys.size, 3);
  });

  const bad: [string, RegExp][] = [
    ['server=tls://', /tls:\/\/ needs an address/],
    ['server=tls://dns_quad9.net', /an IPv4 or IPv6 address, or a host name with a dot/],
    ['server=tls://9.9.9.9,', /is not a host name/],
    ['server=tls://9.9.9.9,bad_name.example', /"bad_name.example" is not a host name/],
    ['server=tls://9.9.9.9,9.9.9.9/x', /is not a host name/],
    ['server=tls://9.9.9.9#0', /bad port "0"/],
    ['server=tls://tls://9.9.9.9', /bad server/],
    ['server=/consul/tls://', /tls:\/\/ needs an address/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parseConfigText(`no-resolv\n${line}`, 'test.conf'), 'FANDNS_CONFIG_VALUE', 'test.conf:2', message);
    });
  }
});

describe('tls-ca-file=', () => {
  it('reads the PEM certificates into the forward settings; without it the bundled CAs of Node are used', () => {
    const c = parseConfigText(`no-resolv\ntls-ca-file=${CA}`, 'test.conf');
    assert.equal(c.forward.tlsCa?.path, CA);
    assert.match(c.forward.tlsCa?.pem ?? '', /^-----BEGIN CERTIFICATE-----/);
    assert.equal(parseConfigText('no-resolv', 'test.conf').forward.tlsCa, null);
  });

  it('refuses a relative path, a missing file, a file without certificates and a damaged certificate, at its line', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-tls-ca-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'no certificates here\n');
    const damaged = join(dir, 'damaged.pem');
    writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const rows: [string, RegExp][] = [
      ['ca.pem', /needs an absolute path/],
      [join(dir, 'missing.pem'), /cannot read tls-ca-file ".*missing.pem": ENOENT/],
      [empty, /holds no PEM certificate/],
      [damaged, /certificate 1 does not parse/],
    ];
    for (const [path, message] of rows) {
      assertConfigError(() => parseConfigText(`no-resolv\ntls-ca-file=${path}`, 'test.conf'), 'FANDNS_CONFIG_VALUE', 'test.conf:2', message);
    }
  });
});
