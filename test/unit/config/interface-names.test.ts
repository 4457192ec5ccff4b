/**
 * interface-name= and dynamic-host= through parseConfigText: the forms dnsmasq 2.90 takes (an
 * interface with /4 or /6; a dynamic-host with an IPv4 and/or an IPv6 host part in either order,
 * an empty one skipped), localise-queries as a flag (-y), and ConfigErrors naming file:line for
 * what dnsmasq refuses (no interface, a bad /suffix, an address in interface-name, no address or a
 * /suffix in dynamic-host) and for what it accepts but cannot serve (fields after the interface,
 * an empty or overlong interface name, two host parts of one family).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { InterfaceHost } from '../../../src/config/types.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'iface.conf');

/** A line as `name iface v4? v6? host4 host6`. */
const describeHost = (h: InterfaceHost) =>
  [h.name, h.iface, h.v4 ? 'v4' : '-', h.v6 ? 'v6' : '-', h.host4 ?? '-', h.host6 ?? '-'].join(' ');

describe('interface-name= (dnsmasq 2.90 option.c)', () => {
  const rows: [string, string][] = [
    ['interface-name=gw.lan,eth0', 'gw.lan eth0 v4 v6 - -'],
    ['interface-name=GW.Lan.,eth0/4', 'gw.lan eth0 v4 - - -'],
    ['interface-name=gw.lan,eth0/6', 'gw.lan eth0 - v6 - -'],
    ['interface-name=gw.lan, br-lan.10 ', 'gw.lan br-lan.10 v4 v6 - -'],
    ['interface-name=gw.lan,abcdefghijklmno', 'gw.lan abcdefghijklmno v4 v6 - -'],
  ];
  for (const [line, want] of rows) {
    it(line, () => assert.deepEqual(parse(line).interfaceHosts.map(describeHost), [want]));
  }

  const errors: [string, RegExp][] = [
    ['interface-name=gw.lan', /needs <name>,<interface>/],
    ['interface-name=gw.lan,', /missing interface name/],
    ['interface-name=gw.lan,eth0,junk', /needs <name>,<interface>/],
    ['interface-name=gw.lan,10.0.0.1,eth0', /needs <name>,<interface>/],
    ['interface-name=gw.lan,eth0/5', /\/4 or \/6 only/],
    ['interface-name=gw.lan,eth0/4/6', /\/4 or \/6 only/],
    ['interface-name=gw.lan,abcdefghijklmnop', /at most 15 characters/],
    ['interface-name=,eth0', /missing interface-name name/],
    ['interface-name=bad..name,eth0', /bad interface-name name/],
  ];
  for (const [line, pattern] of errors) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parse(`# first\n${line}`), 'FANDNS_CONFIG_VALUE', 'iface.conf:2', pattern);
    });
  }

  it('keeps lines in config order, interface-name and dynamic-host together (the first names a PTR)', () => {
    const c = parse('interface-name=a.lan,eth0\ndynamic-host=b.lan,0.0.0.8,eth0\ninterface-name=c.lan,eth1');
    assert.deepEqual(c.interfaceHosts.map((h) => h.name), ['a.lan', 'b.lan', 'c.lan']);
  });
});

describe('dynamic-host= (dnsmasq 2.90 option.c)', () => {
  const rows: [string, string][] = [
    ['dynamic-host=nas.lan,0.0.0.8,eth0', 'nas.lan eth0 v4 - 0.0.0.8 -'],
    ['dynamic-host=nas.lan,::8,eth0', 'nas.lan eth0 - v6 - ::8'],
    ['dynamic-host=nas.lan,0.0.0.8,::8,eth0', 'nas.lan eth0 v4 v6 0.0.0.8 ::8'],
    ['dynamic-host=nas.lan,::8,0.0.0.8,eth0', 'nas.lan eth0 v4 v6 0.0.0.8 ::8'],
    ['dynamic-host=nas.lan,0.0.0.8,,eth0', 'nas.lan eth0 v4 - 0.0.0.8 -'],
    ['dynamic-host=nas.lan,,::8,eth0', 'nas.lan eth0 - v6 - ::8'],
    ['dynamic-host=nas.lan,192.168.1.8,eth0', 'nas.lan eth0 v4 - 192.168.1.8 -'],
  ];
  for (const [line, want] of rows) {
    it(line, () => assert.deepEqual(parse(line).interfaceHosts.map(describeHost), [want]));
  }

  const errors: [string, RegExp][] = [
    ['dynamic-host=nas.lan,eth0', /needs <name>,\[<IPv4>\],\[<IPv6>\],<interface>/],
    ['dynamic-host=nas.lan,,,eth0', /needs an IPv4 or IPv6 address/],
    ['dynamic-host=nas.lan,0.0.0.8,eth0/4', /bad interface name "eth0\/4"/],
    ['dynamic-host=nas.lan,0.0.0.8,0.0.0.9,eth0', /two IPv4 addresses/],
    ['dynamic-host=nas.lan,::8,::9,eth0', /two IPv6 addresses/],
    ['dynamic-host=nas.lan,0.0.0.8,::8,eth0,junk', /needs <name>/],
    ['dynamic-host=nas.lan,host8,eth0', /bad address "host8"/],
    ['dynamic-host=nas.lan,0.0.0.8,', /missing interface name/],
  ];
  for (const [line, pattern] of errors) {
    it(`refuses ${line}`, () => {
      assertConfigError(() => parse(`# first\n${line}`), 'FANDNS_CONFIG_VALUE', 'iface.conf:2', pattern);
    });
  }
});

describe('localise-queries', () => {
  it('is off by default, on as a flag', () => {
    assert.equal(parse('').localiseQueries, false);
    assert.equal(parse('localise-queries').localiseQueries, true);
  });

  it('is -y on the command line', () => {
    assert.deepEqual(parseCli(['-y']).lines.map((l) => l.name), ['localise-queries']);
  });
});
