/**
 * hostAddresses: the A or AAAA records of the name asked, or of the end of the CNAME chain from
 * it, in the answer section only, with the lowest TTL on the way; nothing for a chain that loops,
 * runs too long or ends elsewhere.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { hostAddresses } from '../../../src/wire/host-addresses.js';
import { scanMessage } from '../../../src/wire/layout.js';
import { RRType } from '../../../src/wire/constants.js';

/** What hostAddresses finds for `name` and `qtype` in a reply with these sections. */
function found(name: string, qtype: number, answers: dnsPacket.Answer[], additionals: dnsPacket.Answer[] = []) {
  const wire = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: qtype === RRType.A ? 'A' : 'AAAA', name }], answers, additionals } as never);
  const layout = scanMessage(wire);
  assert.ok(layout);
  return hostAddresses(wire, layout, name, qtype);
}

const a = (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'A', name, data, ttl });
const cname = (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'CNAME', name, data, ttl });

describe('hostAddresses', () => {
  it('gives the A records of the name in answer order, and their lowest TTL', () => {
    assert.deepEqual(found('dns.example', RRType.A, [a('dns.example', '192.0.2.2', 600), a('dns.example', '192.0.2.1', 120)]),
      { addresses: ['192.0.2.2', '192.0.2.1'], ttl: 120 });
  });

  it('gives AAAA records as text, for an AAAA question', () => {
    assert.deepEqual(found('dns.example', RRType.AAAA, [{ type: 'AAAA', name: 'dns.example', data: '2001:db8:0:0:0:0:0:53', ttl: 60 }, a('dns.example', '192.0.2.1')]),
      { addresses: ['2001:db8::53'], ttl: 60 });
  });

  it('follows a CNAME chain, in any order and case, with the lowest TTL of the whole chain', () => {
    assert.deepEqual(found('doh.example', RRType.A, [
      a('Edge.CDN.example', '198.51.100.7', 300),
      cname('doh.example', 'front.example', 30),
      cname('front.example', 'edge.cdn.example', 600),
    ]), { addresses: ['198.51.100.7'], ttl: 30 });
  });

  it('finds nothing for other owners, other sections, a loop or a chain past ten', () => {
    const none = { addresses: [], ttl: 0 };
    assert.deepEqual(found('dns.example', RRType.A, [a('other.example', '192.0.2.1')], [a('dns.example', '192.0.2.9')]), none);
    assert.deepEqual(found('a.example', RRType.A, [cname('a.example', 'b.example'), cname('b.example', 'a.example')]), none);
    const chain = Array.from({ length: 12 }, (_, i) => cname(`n${i}.example`, `n${i + 1}.example`));
    assert.deepEqual(found('n0.example', RRType.A, [...chain, a('n12.example', '192.0.2.1')]), none);
    assert.deepEqual(found('n2.example', RRType.A, [...chain, a('n12.example', '192.0.2.1')]).addresses, ['192.0.2.1'], 'ten hops are followed');
  });
});
