import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

describe('dnstap-file=, dnstap-socket= and their options', () => {
  it('are off by default', () => {
    assert.equal(parseConfigText('').log.dnstap, null);
  });

  it('dnstap-file alone: client messages, the default identity and version', () => {
    assert.deepEqual(parseConfigText('dnstap-file=/var/tmp/dns.dnstap').log.dnstap, {
      target: { kind: 'file', path: '/var/tmp/dns.dnstap' }, origin: { file: 'inline.conf', line: 1 }, client: true, forwarder: false, identity: null, version: null,
    });
  });

  it('dnstap-socket: a Unix socket by its absolute path, or ADDR#PORT over TCP', () => {
    const target = (line: string) => parseConfigText(`\n${line}`).log.dnstap;
    assert.deepEqual(target('dnstap-socket=/run/dnstap.sock'), {
      target: { kind: 'unix', path: '/run/dnstap.sock' }, origin: { file: 'inline.conf', line: 2 }, client: true, forwarder: false, identity: null, version: null,
    });
    assert.deepEqual(target('dnstap-socket=127.0.0.1#6000')?.target, { kind: 'tcp', address: '127.0.0.1', port: 6000 });
    assert.deepEqual(target('dnstap-socket=::1#6000')?.target, { kind: 'tcp', address: '::1', port: 6000 });
    for (const bad of ['dnstap.sock', '127.0.0.1', '127.0.0.1#0', '127.0.0.1#70000', 'collector.lan#6000', '#6000']) {
      assertConfigError(() => parseConfigText(`\ndnstap-socket=${bad}`), 'FANDNS_CONFIG_VALUE', 'inline.conf:2', /is not a Unix socket's absolute path nor ADDR#PORT/);
    }
  });

  it('dnstap-file and dnstap-socket together are a conflict at the second line', () => {
    assertConfigError(() => parseConfigText('dnstap-file=/x\ndnstap-socket=/run/d.sock'), 'FANDNS_CONFIG_CONFLICT', 'inline.conf:2', /dnstap-file and dnstap-socket are both given/);
    assertConfigError(() => parseConfigText('dnstap-socket=/run/d.sock\nlog-queries\ndnstap-file=/x'), 'FANDNS_CONFIG_CONFLICT', 'inline.conf:3', /both given/);
  });

  it('dnstap-messages names client, forwarder or both, in any order and case', () => {
    for (const [text, client, forwarder] of [['client', true, false], ['forwarder', false, true], ['forwarder, Client', true, true], ['client,forwarder', true, true]] as const) {
      const c = parseConfigText(`dnstap-file=/x\ndnstap-messages=${text}`).log.dnstap;
      assert.deepEqual([c?.client, c?.forwarder], [client, forwarder], text);
    }
  });

  it('dnstap-identity and dnstap-version: a text, or bare or empty for none', () => {
    const named = parseConfigText('dnstap-file=/x\ndnstap-identity=edge-1\ndnstap-version="fandns on edge"').log.dnstap;
    assert.deepEqual([named?.identity, named?.version], ['edge-1', 'fandns on edge']);
    const none = parseConfigText('dnstap-file=/x\ndnstap-identity\ndnstap-version=').log.dnstap;
    assert.deepEqual([none?.identity, none?.version], ['', '']);
  });

  it('refuse a bad value or an option without dnstap-file, naming the line', () => {
    assertConfigError(() => parseConfigText('\ndnstap-file=""'), 'FANDNS_CONFIG_VALUE', 'inline.conf:2', /dnstap-file needs a path/);
    for (const bad of ['', 'resolver', 'client,,forwarder', 'client forwarder']) {
      assertConfigError(() => parseConfigText(`dnstap-file=/x\ndnstap-messages=${bad}`), bad === '' ? 'FANDNS_CONFIG_SYNTAX' : 'FANDNS_CONFIG_VALUE', 'inline.conf:2', bad === '' ? /needs a value/ : /is not one of client, forwarder/);
    }
    for (const alone of ['dnstap-messages=forwarder', 'dnstap-identity=x', 'dnstap-version']) {
      assertConfigError(() => parseConfigText(`log-queries\n${alone}`), 'FANDNS_CONFIG_VALUE', 'inline.conf:2', /the dnstap options need dnstap-file=PATH or dnstap-socket=/);
    }
  });
});
