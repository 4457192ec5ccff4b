import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { isRawIpPcap, LINKTYPE_RAW, pcapFileHeader, pcapRecord } from '../../../src/wire/pcap.js';

/** The ones' complement sum of 16-bit words, folded (RFC 1071): 0xffff over data that carries its own checksum. */
function sum16(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** The UDP checksum check: pseudo-header + UDP header + payload sums to 0xffff (RFC 768). */
function udpSumOk(src: Uint8Array, dst: Uint8Array, udp: Uint8Array): boolean {
  const pseudo = Buffer.alloc(src.length * 2 + 4);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  pseudo[src.length * 2 + 1] = 17;
  pseudo.writeUInt16BE(udp.length, src.length * 2 + 2);
  return sum16(Buffer.concat([pseudo, udp])) === 0xffff;
}

const payload = Buffer.from('abcd0100000100000000000003777777076578616d706c6503636f6d0000010001', 'hex');

describe('pcap file header', () => {
  it('is libpcap 2.4, microseconds, snaplen 65535, raw IP', () => {
    const h = pcapFileHeader();
    assert.equal(h.toString('hex'), 'd4c3b2a1020004000000000000000000ffff000065000000');
    assert.equal(h.readUInt32LE(20), LINKTYPE_RAW);
  });

  it('is recognised in either byte order, and nothing else is', () => {
    assert.equal(isRawIpPcap(pcapFileHeader()), true);
    const be = Buffer.alloc(24);
    be.writeUInt32BE(0xa1b2c3d4, 0);
    be.writeUInt32BE(101, 20);
    assert.equal(isRawIpPcap(be), true);
    const ethernet = pcapFileHeader();
    ethernet.writeUInt32LE(1, 20);
    assert.equal(isRawIpPcap(ethernet), false, 'another link type');
    assert.equal(isRawIpPcap(pcapFileHeader().subarray(0, 23)), false, 'short');
    assert.equal(isRawIpPcap(Buffer.from('hello, this is not pcap!')), false);
  });
});

describe('pcap record', () => {
  it('wraps an IPv4 datagram with valid IP and UDP checksums', () => {
    const src = Buffer.from([127, 0, 0, 1]);
    const dst = Buffer.from([192, 0, 2, 53]);
    const r = pcapRecord(1_795_000_000_123_456, { src, srcPort: 40000, dst, dstPort: 53, payload });
    assert.equal(r.readUInt32LE(0), 1_795_000_000);
    assert.equal(r.readUInt32LE(4), 123_456);
    assert.equal(r.readUInt32LE(8), 20 + 8 + payload.length);
    assert.equal(r.readUInt32LE(12), 20 + 8 + payload.length);
    const ip = r.subarray(16, 36);
    assert.equal(ip[0], 0x45);
    assert.equal(ip.readUInt16BE(2), 28 + payload.length);
    assert.equal(ip[9], 17);
    assert.deepEqual([...ip.subarray(12, 16)], [127, 0, 0, 1]);
    assert.deepEqual([...ip.subarray(16, 20)], [192, 0, 2, 53]);
    assert.equal(sum16(ip), 0xffff, 'IP header checksum');
    const udp = r.subarray(36);
    assert.equal(udp.readUInt16BE(0), 40000);
    assert.equal(udp.readUInt16BE(2), 53);
    assert.equal(udp.readUInt16BE(4), 8 + payload.length);
    assert.deepEqual(udp.subarray(8), payload);
    assert.ok(udpSumOk(src, dst, udp), 'UDP checksum');
  });

  it('wraps an IPv6 datagram with a valid UDP checksum, for odd payload lengths too', () => {
    const src = Buffer.alloc(16);
    src[15] = 1;
    const dst = Buffer.from('20010db8000000000000000000000035', 'hex');
    for (const p of [payload, payload.subarray(0, payload.length - 1)]) {
      const r = pcapRecord(0, { src, srcPort: 5353, dst, dstPort: 53, payload: p });
      const ip = r.subarray(16, 56);
      assert.equal(ip[0]! >> 4, 6);
      assert.equal(ip.readUInt16BE(4), 8 + p.length, 'payload length');
      assert.equal(ip[6], 17);
      assert.deepEqual(ip.subarray(8, 24), src);
      assert.deepEqual(ip.subarray(24, 40), dst);
      assert.ok(udpSumOk(src, dst, r.subarray(56)), `UDP checksum, ${p.length} bytes`);
    }
  });
});
