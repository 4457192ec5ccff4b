/**
 * dumpfile= on the wire: every UDP datagram of a forwarded query (the client's query, the query to
 * the server, its reply, the reply to the client) and of a local answer lands in the pcap file,
 * with the real addresses and ports and the exact bytes; a TCP client's messages are not (as in
 * dnsmasq), the UDP exchange with the server its query caused is;
 * dumpmask selects kinds; a second start appends to the same file.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

interface Rec {
  readonly from: string;
  readonly to: string;
  readonly qr: boolean;
  readonly id: number;
  readonly payload: Buffer;
}

/** The records of a raw-IP pcap file (IPv4). */
function dumped(path: string): Rec[] {
  const d = readFileSync(path);
  assert.equal(d.readUInt32LE(0), 0xa1b2c3d4);
  const out: Rec[] = [];
  for (let o = 24; o < d.length;) {
    const len = d.readUInt32LE(o + 8);
    const p = d.subarray(o + 16, o + 16 + len);
    const payload = p.subarray(28);
    out.push({
      from: `${[...p.subarray(12, 16)].join('.')}#${p.readUInt16BE(20)}`,
      to: `${[...p.subarray(16, 20)].join('.')}#${p.readUInt16BE(22)}`,
      qr: (payload[2]! & 0x80) !== 0,
      id: payload.readUInt16BE(0),
      payload,
    });
    o += 16 + len;
  }
  return out;
}

describe('dumpfile', () => {
  let dir: string;
  let up: FakeUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-dump-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.7', 60)] }));
  });
  after(async () => {
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the four datagrams of a forwarded query and the two of a local answer, not a TCP client\'s', async () => {
    const path = join(dir, 'all.pcap');
    const p = await startProxy(`server=${up.spec}\naddress=/local.test/192.0.2.9\ndumpfile=${path}`);
    const me = `127.0.0.1#${p.port}`;
    const forwarded = await p.query('web.example.test');
    const local = await p.query('local.test');
    await p.query('tcp.example.test', { tcp: true });
    await p.stop();
    const recs = dumped(path);
    const client = recs[0]!.from;
    const server = up.spec;
    const [q1, up1, upr1, r1, q2, r2] = recs;
    // The TCP client's query went upstream over UDP: those two datagrams are there, its own are not.
    assert.equal(recs.length, 8, JSON.stringify(recs.map((r) => [r.from, r.to])));
    assert.ok(recs.slice(6).every((r) => r.from === server || r.to === server), 'only the upstream side of the TCP query');
    assert.deepEqual([q1, up1, upr1, r1].map((r) => [r!.from === client ? 'client' : r!.from === me ? 'fandns' : r!.from === server ? 'server' : 'fandns (upstream socket)',
      r!.to === client ? 'client' : r!.to === me ? 'fandns' : r!.to === server ? 'server' : 'fandns (upstream socket)', r!.qr]), [
      ['client', 'fandns', false],
      ['fandns (upstream socket)', 'server', false],
      ['server', 'fandns (upstream socket)', true],
      ['fandns', 'client', true],
    ]);
    assert.equal(up1!.from, upr1!.to, 'the upstream socket\'s address and port, both ways');
    assert.equal(up1!.id, upr1!.id);
    assert.deepEqual(r1!.payload, forwarded.raw, 'the reply as the client got it');
    assert.equal(up.queries.length, 2, 'the UDP and the TCP query reached the server');
    assert.deepEqual([q2!.from, q2!.to, r2!.from, r2!.to], [recs[4]!.from, me, me, recs[4]!.from]);
    assert.deepEqual(r2!.payload, local.raw);
  });

  it('dumps only the kinds of dumpmask, and appends on the next start', async () => {
    const path = join(dir, 'mask.pcap');
    for (const name of ['first.example.test', 'second.example.test']) {
      const p = await startProxy(`server=${up.spec}\ndumpfile=${path}\ndumpmask=0x4`);
      await p.query(name);
      await p.stop();
    }
    const recs = dumped(path);
    assert.equal(recs.length, 2, 'one upstream query per start, in one file');
    assert.ok(recs.every((r) => r.to === up.spec && !r.qr));
    assert.match(recs[1]!.payload.toString('latin1'), /second/);
  });
});
