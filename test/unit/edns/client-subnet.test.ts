/**
 * The ECS option add-subnet sends per client, as dnsmasq 2.90 builds it (edns0.c calc_subnet_opt,
 * checked against the binary: `add-subnet=24,96` sent 00 01 18 00 7f 00 00 for 127.0.0.1,
 * `add-subnet=1.2.3.4/20` sent 1.2.0.0/20, bare `add-subnet` sent family 1 with no address).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ClientSubnet, unmapped } from '../../../src/edns/client-subnet.js';

/** OPTION-DATA of the option for `address` as hex. */
const data = (s: ClientSubnet, address: string) => s.optionFor(address).subarray(4).toString('hex');

describe('ClientSubnet', () => {
  it('cuts the client address to its family\'s prefix', () => {
    const s = new ClientSubnet({ ipv4: { prefix: 24, address: null }, ipv6: { prefix: 56, address: null } });
    assert.equal(data(s, '127.0.0.1'), '000118007f0000');
    assert.equal(data(s, '192.0.2.200'), '00011800c00002');
    assert.equal(data(s, '2001:db8:1:2ff::53'), '0002380020010db8000102');
    assert.equal(s.constant, false);
  });

  it('treats an IPv4-mapped IPv6 client as IPv4', () => {
    const s = new ClientSubnet({ ipv4: { prefix: 32, address: null }, ipv6: { prefix: 56, address: null } });
    assert.equal(data(s, '::ffff:10.1.2.3'), '000120000a010203');
  });

  it('gives a family without a part an option with no address (SOURCE PREFIX-LENGTH 0)', () => {
    const s = new ClientSubnet({ ipv4: { prefix: 24, address: null }, ipv6: null });
    assert.equal(data(s, '::1'), '00020000');
    assert.equal(s.constant, false, 'IPv4 clients still differ');
  });

  it('sends a fixed address, cut to its prefix, in its own family, to everyone', () => {
    const s = new ClientSubnet({ ipv4: { prefix: 20, address: '1.2.3.4' }, ipv6: { prefix: 24, address: '1.2.3.4' } });
    assert.equal(data(s, '127.0.0.1'), '00011400010200');
    assert.equal(data(s, '::1'), '00011800010203', 'IPv6 clients get the IPv4 subnet, as the man page says');
    assert.equal(s.constant, true);
  });

  it('is constant when no family takes the client address (bare add-subnet, prefix 0)', () => {
    assert.equal(new ClientSubnet({ ipv4: null, ipv6: null }).constant, true);
    const zero = new ClientSubnet({ ipv4: { prefix: 0, address: null }, ipv6: { prefix: 0, address: null } });
    assert.equal(zero.constant, true);
    assert.equal(data(zero, '10.0.0.1'), '00010000');
  });
});

describe('unmapped', () => {
  it('unwraps ::ffff:a.b.c.d only', () => {
    assert.equal(unmapped('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(unmapped('::ffff:7f00:1'), '::ffff:7f00:1');
    assert.equal(unmapped('127.0.0.1'), '127.0.0.1');
    assert.equal(unmapped('2001:db8::1'), '2001:db8::1');
  });
});
