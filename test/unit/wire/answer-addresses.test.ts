/** someAnswerAddress: class IN A and AAAA records of the answer section only, CNAME chains included. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { someAnswerAddress } from '../../../src/wire/answer-addresses.js';
import { scanMessage } from '../../../src/wire/layout.js';

/** The addresses someAnswerAddress offers for a reply with these sections (the test never accepts). */
function offered(answers: dnsPacket.Answer[], additionals: dnsPacket.Answer[] = []): string[] {
  const wire = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x.test' }], answers, additionals } as never);
  const seen: string[] = [];
  const layout = scanMessage(wire);
  assert.ok(layout);
  assert.equal(someAnswerAddress(wire, layout, (a) => {
    seen.push(a.length === 4 ? [...a].join('.') : Buffer.from(a).toString('hex'));
    return false;
  }), false);
  return seen;
}

describe('someAnswerAddress', () => {
  it('offers A and AAAA addresses of the answer section, through a CNAME', () => {
    assert.deepEqual(offered([
      { type: 'CNAME', name: 'x.test', data: 'y.test', ttl: 1 },
      { type: 'A', name: 'y.test', data: '10.0.0.1', ttl: 1 },
      { type: 'AAAA', name: 'y.test', data: '2001:db8::1', ttl: 1 },
    ]), ['10.0.0.1', '20010db8000000000000000000000001']);
  });

  it('skips other classes and the other sections', () => {
    assert.deepEqual(offered(
      [{ type: 'A', name: 'x.test', data: '10.0.0.1', ttl: 1, class: 'CH' } as dnsPacket.Answer, { type: 'TXT', name: 'x.test', data: 'a', ttl: 1 }],
      [{ type: 'A', name: 'ns.test', data: '10.0.0.2', ttl: 1 }],
    ), []);
  });

  it('stops at the first address the test accepts', () => {
    const wire = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x.test' }], answers: [
      { type: 'A', name: 'x.test', data: '10.0.0.1', ttl: 1 }, { type: 'A', name: 'x.test', data: '10.0.0.2', ttl: 1 },
    ] } as never);
    let calls = 0;
    assert.equal(someAnswerAddress(wire, scanMessage(wire)!, () => ++calls > 0), true);
    assert.equal(calls, 1);
  });
});
