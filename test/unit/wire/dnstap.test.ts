/**
 * The dnstap encoding, read back with a protobuf reader written here from the encoding spec (not
 * the encoder's code): the Dnstap fields (identity, version, type MESSAGE, the message), the
 * Message fields for a CLIENT_QUERY and a CLIENT_RESPONSE (family, protocol, addresses, port,
 * seconds and nanoseconds, the DNS bytes), and the Frame Streams framing (dnstap-read reads the
 * whole file: test/interop/dnstap.test.ts).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { fieldOf as get, protoFields as fields } from '../../helpers/protobuf.js';
import { DNSTAP_CONTENT_TYPE, DNSTAP_PROTOCOL, DnstapKind, dnstapFrame, isDnstapStart, startFrame } from '../../../src/wire/dnstap.js';

/** The message a data frame holds, after checking the frame's length. */
function frameMessage(frame: Buffer): Buffer {
  assert.equal(frame.readUInt32BE(0), frame.length - 4, 'the frame length');
  return frame.subarray(4);
}


const event = {
  family: 6 as const, protocol: DNSTAP_PROTOCOL.tls,
  queryAddress: Buffer.from('20010db8000000000000000000000001', 'hex'), queryPort: 53124,
  responseAddress: Buffer.from([127, 0, 0, 1]), responsePort: null,
  queryMicros: 1_795_400_000_123_456, responseMicros: 1_795_400_001_000_001,
  message: Buffer.from('abcd', 'hex'),
};

describe('dnstap', () => {
  it('a CLIENT_QUERY: identity, version, type MESSAGE, and the message with the query bytes and time', () => {
    const top = fields(frameMessage(dnstapFrame(Buffer.from('host'), Buffer.from('fandns 1'), { ...event, kind: DnstapKind.CLIENT_QUERY })));
    assert.deepEqual([String(get(top, 1)), String(get(top, 2)), get(top, 15)], ['host', 'fandns 1', 1]);
    const m = fields(get(top, 14) as Buffer);
    assert.deepEqual([get(m, 1), get(m, 2), get(m, 3), get(m, 6)], [5, 2, 3, 53124]);
    assert.deepEqual([(get(m, 4) as Buffer).toString('hex'), [...(get(m, 5) as Buffer)]], ['20010db8000000000000000000000001', [127, 0, 0, 1]]);
    assert.deepEqual([get(m, 8), get(m, 9)], [1_795_400_000, 123_456_000]);
    assert.equal((get(m, 10) as Buffer).toString('hex'), 'abcd');
    assert.equal(get(m, 14), undefined, 'no response message');
    assert.equal(get(m, 12), undefined, 'no response time');
  });

  it('a CLIENT_RESPONSE: the reply bytes and both times; no response address when none is known', () => {
    const top = fields(frameMessage(dnstapFrame(Buffer.from('h'), Buffer.from('v'), { ...event, family: 4, queryAddress: Buffer.from([192, 0, 2, 1]), responseAddress: null, kind: DnstapKind.CLIENT_RESPONSE })));
    const m = fields(get(top, 14) as Buffer);
    assert.deepEqual([get(m, 1), get(m, 2), get(m, 5)], [6, 1, undefined]);
    assert.deepEqual([get(m, 8), get(m, 9), get(m, 12), get(m, 13)], [1_795_400_000, 123_456_000, 1_795_400_001, 1_000]);
    assert.equal((get(m, 14) as Buffer).toString('hex'), 'abcd');
    assert.equal(get(m, 10), undefined);
  });

  it('a FORWARDER_QUERY and FORWARDER_RESPONSE: the server as the response side (address and port), fandns\'s side left out', () => {
    const fwd = { ...event, family: 4 as const, protocol: DNSTAP_PROTOCOL.udp, queryAddress: null, queryPort: null, responseAddress: Buffer.from([127, 0, 0, 9]), responsePort: 5300 };
    const q = fields(get(fields(frameMessage(dnstapFrame(Buffer.from('h'), Buffer.from('v'), { ...fwd, kind: DnstapKind.FORWARDER_QUERY }))), 14) as Buffer);
    assert.deepEqual([get(q, 1), get(q, 2), get(q, 3), get(q, 4), get(q, 6), [...(get(q, 5) as Buffer)], get(q, 7)], [7, 1, 1, undefined, undefined, [127, 0, 0, 9], 5300]);
    assert.equal((get(q, 10) as Buffer).toString('hex'), 'abcd', 'the query, in query_message');
    assert.equal(get(q, 12), undefined);
    const r = fields(get(fields(frameMessage(dnstapFrame(Buffer.from('h'), Buffer.from('v'), { ...fwd, kind: DnstapKind.FORWARDER_RESPONSE }))), 14) as Buffer);
    assert.deepEqual([get(r, 1), get(r, 7), get(r, 10)], [8, 5300, undefined]);
    assert.equal((get(r, 14) as Buffer).toString('hex'), 'abcd', 'the reply, in response_message');
    assert.deepEqual([get(r, 12), get(r, 13)], [1_795_400_001, 1_000]);
  });

  it('leaves out identity, version and the family when they are null (dnstap-identity, dnstap-version bare; a server named by host name)', () => {
    const bare = { ...event, family: null, queryAddress: null, queryPort: null, responseAddress: null, responsePort: 853, kind: DnstapKind.FORWARDER_QUERY };
    const top = fields(frameMessage(dnstapFrame(null, null, bare)));
    assert.deepEqual([get(top, 1), get(top, 2), get(top, 15)], [undefined, undefined, 1]);
    const m = fields(get(top, 14) as Buffer);
    assert.deepEqual([get(m, 1), get(m, 2), get(m, 3), get(m, 5), get(m, 7)], [7, undefined, 3, undefined, 853]);
  });

  it('writes large values whole: a port over 2^14, times past 2^32 seconds, a 1000-byte message', () => {
    const big = { ...event, queryPort: 65535, queryMicros: 2 ** 33 * 1e6 + 999_999, responseMicros: null, message: Buffer.alloc(1000, 7) };
    const m = fields(get(fields(frameMessage(dnstapFrame(Buffer.from('h'), Buffer.from('v'), { ...big, kind: DnstapKind.CLIENT_QUERY }))), 14) as Buffer);
    assert.deepEqual([get(m, 6), get(m, 8), get(m, 9), (get(m, 10) as Buffer).length], [65535, 2 ** 33, 999_999_000, 1000]);
  });

  it('frames: the START control frame with the content type', () => {
    const start = startFrame();
    assert.equal(start.readUInt32BE(0), 0, 'escape');
    assert.equal(start.readUInt32BE(4), start.length - 8, 'control frame length');
    assert.deepEqual([start.readUInt32BE(8), start.readUInt32BE(12), start.readUInt32BE(16)], [2, 1, DNSTAP_CONTENT_TYPE.length]);
    assert.equal(start.subarray(20).toString(), 'protobuf:dnstap.Dnstap');
    assert.equal(isDnstapStart(start), true);
    assert.equal(isDnstapStart(Buffer.concat([start, Buffer.from([1])])), true);
    assert.equal(isDnstapStart(start.subarray(0, 10)), false);
    assert.equal(isDnstapStart(Buffer.alloc(start.length)), false);
  });
});
