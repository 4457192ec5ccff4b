/** The acl stage's subnet test and its decisions for local-service. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createAcl, inSubnet } from '../../../src/handlers/acl.js';
import { DROP, Reply } from '../../../src/pipeline/types.js';
import { Query } from '../../../src/pipeline/query.js';
import { makeQuery } from '../../helpers/wire.js';

describe('inSubnet', () => {
  const rows: [string, string, 4 | 6, number, boolean][] = [
    ['192.168.1.77', '192.168.1.1', 4, 24, true],
    ['192.168.2.77', '192.168.1.1', 4, 24, false],
    ['10.1.2.3', '10.0.0.1', 4, 8, true],
    ['172.20.0.1', '172.16.0.1', 4, 12, true],
    ['172.32.0.1', '172.16.0.1', 4, 12, false],
    ['2001:db8::5', '2001:db8::1', 6, 64, true],
    ['2001:db9::5', '2001:db8::1', 6, 64, false],
    ['10.0.0.1', '2001:db8::1', 6, 64, false],
  ];
  for (const [addr, net, family, prefix, want] of rows) {
    it(`${addr} in ${net}/${prefix} is ${want}`, () => assert.equal(inSubnet(addr, { address: net, family, prefix }), want));
  }
});

describe('acl stage (local-service)', () => {
  const acl = createAcl([{ address: '192.168.1.1', family: 4, prefix: 24 }]);
  const ok = new Reply(Buffer.alloc(12), 'local', true, -1, -1, null);
  const from = (address: string) => {
    const q = makeQuery('x.test');
    return new Query(q.msg, q.p, { address, port: 5000, protocol: 'udp', localAddress: '127.0.0.1', localPort: 53, reply: () => {} }, q.started);
  };
  it('lets loopback and local-subnet clients through', () => {
    for (const a of ['127.0.0.1', '::1', '192.168.1.200', '::ffff:192.168.1.9']) assert.equal(acl.handle(from(a), () => ok), ok, a);
  });
  it('ignores everybody else', () => {
    for (const a of ['8.8.8.8', '192.168.2.1', '2001:db8::1']) assert.equal(acl.handle(from(a), () => ok), DROP, a);
    assert.equal(acl.denied(), 3);
  });
});
