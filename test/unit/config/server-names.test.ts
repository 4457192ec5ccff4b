/**
 * Clear-text servers named by host name (dnsmasq 2.88+): they parse, with the family their
 * @SOURCE fixes; serverNames lists each name once with its first line; withServerAddresses makes
 * each address a server of its own, in place, with the line, domains and source of the rule.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { nameKey, serverNames, withServerAddresses } from '../../../src/config/server-names.js';
import { describeRule } from '../../helpers/config.js';

const conf = (text: string) => parseConfigText(`no-resolv\n${text}`, 'test.conf');

describe('clear-text servers named by host name', () => {
  it('parse, a single label too, the name lower case, its family fixed by an @SOURCE address', () => {
    const c = conf('server=/consul/Consul.Internal#8600\nserver=localhost\nserver=/a.test/dns.example@192.0.2.1#5300\nrev-server=10.0.0.0/8,ns.corp.example');
    const servers = c.rules.map((r) => (r.action.kind === 'forward' ? r.action.server : null));
    assert.deepEqual(servers.map((s) => [s?.address, s?.port, s?.lookup, s?.tls]), [
      ['consul.internal', 8600, 0, undefined], ['localhost', 53, 0, undefined], ['dns.example', 53, 4, undefined], ['ns.corp.example', 53, 0, undefined],
    ]);
    assert.deepEqual(c.forward.bootstrap, [], 'no bootstrap-server= needed: the system resolver looks them up');
  });

  it('serverNames lists each name and family once, with the first line naming it', () => {
    const c = conf('server=/a.test/consul.internal#8600\nserver=/b.test/consul.internal#8600\nserver=/c.test/consul.internal@::1\nserver=127.0.0.1\nserver=tls://dns.quad9.net\nbootstrap-server=127.0.0.1');
    assert.deepEqual(serverNames(c).map((n) => [n.name, n.family, n.origin.line]), [['consul.internal', 0, 2], ['consul.internal', 6, 4]],
      'an encrypted server\'s name is looked up at each connection instead');
  });

  it('withServerAddresses makes each address a server, in place, keeping the line\'s domains, port and source', () => {
    const c = conf('server=/first.test/127.0.0.9\nserver=/consul/service.internal/consul.internal#8600\nserver=/last.test/127.0.0.8');
    const done = withServerAddresses(c, new Map([[nameKey('consul.internal', 0), ['10.0.0.5', '2001:db8::5']]]));
    assert.deepEqual(done.rules.map(describeRule), [
      'suffix:first.test fwd 127.0.0.9#53',
      'suffix:consul fwd 10.0.0.5#8600', 'suffix:consul fwd 2001:db8::5#8600',
      'suffix:service.internal fwd 10.0.0.5#8600', 'suffix:service.internal fwd 2001:db8::5#8600',
      'suffix:last.test fwd 127.0.0.8#53',
    ]);
    const fams = done.rules.map((r) => (r.action.kind === 'forward' ? [r.action.server.family, r.action.server.lookup, r.origin.line] : null));
    assert.deepEqual(fams.slice(1, 3), [[4, undefined, 3], [6, undefined, 3]]);
    const named = done.rules.map((r) => (r.action.kind === 'forward' ? r.action.server.hostName : null));
    assert.deepEqual(named, [undefined, 'consul.internal', 'consul.internal', 'consul.internal', 'consul.internal', undefined], 'each server knows the name it came from');
    assert.ok(Object.isFrozen(done) && Object.isFrozen(done.rules));
    assert.equal(withServerAddresses(conf('server=127.0.0.1'), new Map()).rules.length, 1, 'nothing named, nothing changed');
  });
});
