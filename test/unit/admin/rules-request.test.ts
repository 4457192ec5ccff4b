/** Reading /rules requests: the operations, the server= syntax of PUT bodies, and each refusal's status and message. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { AdminRequestError, isRulesPath, parseAdminRequest } from '../../../src/admin/rules-request.js';

/** The status and message a request is refused with. */
function refused(method: string, path: string, body: string | null = null): { status: number; message: string; allow?: string | undefined } {
  try {
    parseAdminRequest(method, path, body);
  } catch (err) {
    assert.ok(err instanceof AdminRequestError, String(err));
    return { status: err.status, message: err.message, allow: err.allow };
  }
  assert.fail(`${method} ${path} was accepted`);
}

describe('parseAdminRequest', () => {
  it('knows its paths', () => {
    assert.equal(isRulesPath('/rules'), true);
    assert.equal(isRulesPath('/rules/a.test'), true);
    assert.equal(isRulesPath('/rulesx'), false);
    assert.equal(isRulesPath('/metrics'), false);
  });

  it('reads list, show and delete, canonicalising the domain', () => {
    assert.deepEqual(parseAdminRequest('GET', '/rules', null), { op: 'list' });
    assert.deepEqual(parseAdminRequest('HEAD', '/rules/', null), { op: 'list' });
    assert.deepEqual(parseAdminRequest('GET', '/rules/Service.Consul.', null), { op: 'show', domain: 'service.consul' });
    assert.deepEqual(parseAdminRequest('DELETE', '/rules/service.consul', null), { op: 'delete', domain: 'service.consul' });
  });

  it('reads a PUT body in server= syntax: ports, IPv6, source addresses, local-only and use-default', () => {
    const r = parseAdminRequest('PUT', '/rules/service.consul', JSON.stringify({ servers: ['10.0.0.5#8600', '::1#53', '10.0.0.6@10.0.0.1', '#', ''] }));
    assert.equal(r.op, 'set');
    if (r.op !== 'set') return;
    assert.equal(r.setting.domain, 'service.consul');
    assert.deepEqual(r.setting.servers, ['10.0.0.5#8600', '::1#53', '10.0.0.6@10.0.0.1', '#', '']);
    const kinds = r.setting.rules.map((x) => x.action.kind);
    assert.deepEqual(kinds, ['forward', 'forward', 'forward', 'use-default', 'local-only']);
    const first = r.setting.rules[0]!;
    assert.deepEqual(first.domain, { name: 'service.consul', match: 'suffix' });
    assert.equal(first.action.kind === 'forward' && first.action.server.port, 8600);
    assert.deepEqual(first.origin, { file: 'admin-api', line: 0 });
  });

  it('reads a tls:// server (DNS over TLS) as server= does', () => {
    const r = parseAdminRequest('PUT', '/rules/service.consul', JSON.stringify({ servers: ['tls://10.0.0.5#8853,consul.example'] }));
    assert.equal(r.op, 'set');
    if (r.op !== 'set') return;
    const a = r.setting.rules[0]!.action;
    assert.deepEqual(a.kind === 'forward' ? [a.server.address, a.server.port, a.server.tls] : null, ['10.0.0.5', 8853, { name: 'consul.example', path: null }]);
  });

  it('refuses bad bodies with 400 and a message as a config line would get', () => {
    assert.match(refused('PUT', '/rules/a.test', '{').message, /^body is not JSON/);
    assert.match(refused('PUT', '/rules/a.test', '').message, /^body is not JSON/);
    assert.match(refused('PUT', '/rules/a.test', '[]').message, /body must be/);
    assert.match(refused('PUT', '/rules/a.test', 'null').message, /body must be/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":[]}').message, /DELETE the rule/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["0.0.0.0"]}').message, /no usable server/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":[null]}').message, /each server is a string/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["a_b.c"]}').message,
      /server "a_b\.c": admin-api: bad server address "a_b\.c": an IPv4 or IPv6 address, or a host name, is required/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["a.b.c"]}').message,
      /server "a\.b\.c": give a clear-text server's address \(host names are looked up only when the configuration loads\)/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["10.0.0.1#0"]}').message, /bad port "0"/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["10.0.0.1@::1"]}').message, /cannot use IPv4 server address with IPv6 source address/);
    assert.match(refused('PUT', '/rules/a.test', '{"servers":["10.0.0.1"],"ttl":3}').message, /unknown field "ttl"/);
    assert.equal(refused('PUT', '/rules/a.test', '{').status, 400);
  });

  it('refuses domains that are not one plain domain', () => {
    for (const d of ['*.a.test', '*a.test', '%23', 'a/b', `${'x'.repeat(64)}.test`, 'a..test', '%zz']) {
      const r = refused('PUT', `/rules/${d}`, '{"servers":["10.0.0.1"]}');
      assert.equal(r.status, 400, d);
      assert.match(r.message, /bad domain/, d);
    }
    assert.equal(refused('DELETE', '/rules/', null).status, 405, '/rules/ is the list');
  });

  it('refuses other methods with 405 and the allowed ones', () => {
    assert.deepEqual(refused('POST', '/rules/a.test'), { status: 405, message: 'POST is not allowed on /rules/<domain>', allow: 'GET, HEAD, PUT, DELETE' });
    const r = refused('DELETE', '/rules');
    assert.equal(r.status, 405);
    assert.equal(r.allow, 'GET, HEAD');
  });
});
