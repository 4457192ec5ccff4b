/**
 * dnstap-messages=forwarder read by BIND's dnstap-read: each query fandns sends to an upstream
 * server, over UDP, TCP after a truncated reply, TLS and HTTPS, is a FORWARDER_QUERY with the server's
 * address and port (and fandns's own end: its UDP socket, or its connection), and the reply a FORWARDER_RESPONSE under the same ID; a query nobody answers
 * leaves a FORWARDER_QUERY alone; dnstap-identity and dnstap-version are what every message
 * carries; and the client messages come or go with dnstap-messages.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dataFrames, fieldOf, protoFields } from '../helpers/protobuf.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { FakeDohUpstream } from '../helpers/fake-doh-upstream.js';
import { query } from '../helpers/dns-client.js';
import { startProxy } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { TempTree } from '../helpers/config.js';
import { run, skipUnless } from '../helpers/tools.js';

/** One message of a dnstap file, read from its frames (dnstap.proto field numbers). */
interface Frame {
  identity: string | undefined;
  version: string | undefined;
  type: number;
  protocol: number;
  /** response_address as text, and response_port. */
  responseAddress: string | undefined;
  responsePort: number | undefined;
  queryAddress: Buffer | undefined;
  queryPort: number | undefined;
  /** The DNS message: query_message or response_message. */
  dns: Buffer;
}

const FQ = 7;
const FR = 8;
const CQ = 5;
const CR = 6;

/** The file's messages, from its frames. */
function framesOf(file: string): Frame[] {
  return dataFrames(readFileSync(file)).map((f) => {
    const top = protoFields(f);
    const m = protoFields(fieldOf(top, 14) as Buffer);
    const text = (v: unknown) => (v === undefined ? undefined : String(v));
    const addr = fieldOf(m, 5) as Buffer | undefined;
    return {
      identity: text(fieldOf(top, 1)),
      version: text(fieldOf(top, 2)),
      type: fieldOf(m, 1) as number,
      protocol: fieldOf(m, 3) as number,
      responseAddress: addr === undefined ? undefined : [...addr].join('.'),
      responsePort: fieldOf(m, 7) as number | undefined,
      queryAddress: fieldOf(m, 4) as Buffer | undefined,
      queryPort: fieldOf(m, 6) as number | undefined,
      dns: (fieldOf(m, 10) ?? fieldOf(m, 14)) as Buffer,
    };
  });
}

/** The query name in a DNS message (uncompressed, as a question is). */
function qname(msg: Buffer): string {
  const labels: string[] = [];
  for (let off = 12; msg[off] !== 0; off += msg[off]! + 1) labels.push(msg.subarray(off + 1, off + 1 + msg[off]!).toString('latin1'));
  return labels.join('.');
}

const idOf = (msg: Buffer): number => msg.readUInt16BE(0);

describe('dnstap-messages=forwarder', { skip: skipUnless('dnstap-read') }, () => {
  let up: FakeUpstream;
  let tree: TempTree;

  before(async () => {
    up = await FakeUpstream.start((q) => {
      if (q.name.startsWith('silent.')) return { drop: true };
      return { answers: [rr.a(q.name, '192.0.2.9', 60)], truncateUdp: q.name.startsWith('tc.') };
    });
    tree = new TempTree('fandns-dnstap-fwd-');
  });
  after(async () => {
    await up?.close();
    tree?.remove();
  });

  it('writes each upstream exchange (UDP; UDP truncated then TCP; none answered) beside the client\'s, read by dnstap-read', async () => {
    const file = tree.path('fwd.dnstap');
    const p = await startProxy(`server=${up.spec}\nupstream-timeout=200\nquery-timeout=600\ndnstap-file=${file}\ndnstap-messages=client,forwarder\ndnstap-identity=edge-1\ndnstap-version=v9\n`);
    try {
      assert.equal((await query(p.port, 'udp.fwd.test')).rcode, 'NOERROR');
      assert.equal((await query(p.port, 'tc.fwd.test')).rcode, 'NOERROR');
      assert.equal((await query(p.port, 'silent.fwd.test')).rcode, 'SERVFAIL');
    } finally {
      await p.stop();
    }
    const got = framesOf(file);
    const kinds = got.map((m) => `${m.type}/${m.protocol} ${qname(m.dns)}`);
    // An exchange is written when it ends: the upstream's before the client's it answered. The
    // silent server is asked more than once (fandns's retries); each ask is a query left alone.
    const silent = kinds.filter((k) => k === `${FQ}/1 silent.fwd.test`).length;
    assert.ok(silent >= 1, kinds.join('\n'));
    assert.deepEqual(kinds, [
      `${FQ}/1 udp.fwd.test`, `${FR}/1 udp.fwd.test`, `${CQ}/1 udp.fwd.test`, `${CR}/1 udp.fwd.test`,
      `${FQ}/1 tc.fwd.test`, `${FR}/1 tc.fwd.test`, `${FQ}/2 tc.fwd.test`, `${FR}/2 tc.fwd.test`, `${CQ}/1 tc.fwd.test`, `${CR}/1 tc.fwd.test`,
      ...Array<string>(silent).fill(`${FQ}/1 silent.fwd.test`), `${CQ}/1 silent.fwd.test`, `${CR}/1 silent.fwd.test`,
    ]);
    for (const m of got.filter((x) => x.type === FQ || x.type === FR)) {
      assert.deepEqual([m.responseAddress, m.responsePort], ['127.0.0.1', up.port], 'the server is the response side');
      // fandns's own side: the address and port of its UDP socket or TCP connection.
      assert.ok(m.queryAddress?.equals(Buffer.from([127, 0, 0, 1])) && m.queryPort! > 0, JSON.stringify(m));
    }
    const [fq, fr] = got;
    assert.equal(fq!.queryPort, fr!.queryPort, 'the reply came to the port the query left from');
    // Each reply is under the ID its query went out with (the transport's, not the client's).
    for (let i = 0; i < 8; i++) {
      if (got[i]!.type === FQ) assert.equal(idOf(got[i]!.dns), idOf(got[i + 1]!.dns), `${kinds[i]} and its reply`);
    }
    const truncated = got[5]!.dns;
    assert.ok((truncated[2]! & 0x02) !== 0, 'the UDP reply was truncated (TC)');
    assert.ok(got.every((m) => m.identity === 'edge-1' && m.version === 'v9'));
    const plain = await run('dnstap-read', [file]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, new RegExp(`FQ 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${up.port} UDP \\d+b udp\\.fwd\\.test/IN/A`));
    assert.match(plain.stdout, new RegExp(`FR 127\\.0\\.0\\.1:\\d+ <- 127\\.0\\.0\\.1:${up.port} TCP \\d+b tc\\.fwd\\.test/IN/A`));
    const yaml = await run('dnstap-read', ['-y', file]);
    assert.match(yaml.stdout, /identity: edge-1/);
    assert.match(yaml.stdout, /type: FORWARDER_RESPONSE/);
  });

  it('dnstap-messages=forwarder alone: no client messages, and a cache hit writes nothing', async () => {
    const file = tree.path('only.dnstap');
    const p = await startProxy(`server=${up.spec}\ndnstap-file=${file}\ndnstap-messages=forwarder\ndnstap-identity\n`);
    try {
      assert.equal((await query(p.port, 'hit.fwd.test')).rcode, 'NOERROR');
      assert.equal((await query(p.port, 'hit.fwd.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
    }
    const got = framesOf(file);
    assert.deepEqual(got.map((m) => `${m.type} ${qname(m.dns)}`), [`${FQ} hit.fwd.test`, `${FR} hit.fwd.test`]);
    assert.equal(got[0]!.identity, undefined, 'a bare dnstap-identity leaves it out');
    assert.match(got[0]!.version ?? '', /^fandns \d/);
  });

  it('a tls:// server\'s exchanges are DOT (3), with its port and fandns\'s end of the connection', async () => {
    const dot = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.53', 60)] }), 0,
      { cert: readFileSync(TLS_FIXTURE('server.pem')), key: readFileSync(TLS_FIXTURE('server.key')) });
    const file = tree.path('dot.dnstap');
    const p = await startProxy(`tls-ca-file=${TLS_FIXTURE('ca.pem')}\nserver=tls://127.0.0.1#${dot.port}\ndnstap-file=${file}\ndnstap-messages=forwarder\n`);
    try {
      assert.equal((await query(p.port, 'dot.fwd.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
      await dot.close();
    }
    const got = framesOf(file);
    assert.deepEqual(got.map((m) => [m.type, m.protocol, m.responsePort, qname(m.dns)]), [[FQ, 3, dot.port, 'dot.fwd.test'], [FR, 3, dot.port, 'dot.fwd.test']]);
    assert.equal(idOf(got[0]!.dns), idOf(got[1]!.dns));
    assert.ok(got.every((m) => m.queryAddress?.equals(Buffer.from([127, 0, 0, 1])) && m.queryPort! > 0 && m.queryPort === got[0]!.queryPort), 'one connection\'s local end');
  });

  it('an https:// server\'s exchanges are DOH (4), with its port and fandns\'s end of the connection', async () => {
    const doh = await FakeDohUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.80', 60)] }));
    const port = doh.port;
    const file = tree.path('doh.dnstap');
    const p = await startProxy(`tls-ca-file=${TLS_FIXTURE('ca.pem')}\nserver=https://127.0.0.1:${port}/dns-query\ndnstap-file=${file}\ndnstap-messages=forwarder\n`);
    try {
      assert.equal((await query(p.port, 'doh.fwd.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
      await doh.close();
    }
    const got = framesOf(file);
    assert.deepEqual(got.map((m) => [m.type, m.protocol, m.responsePort, qname(m.dns)]), [[FQ, 4, port, 'doh.fwd.test'], [FR, 4, port, 'doh.fwd.test']]);
    assert.ok(got.every((m) => m.queryAddress?.equals(Buffer.from([127, 0, 0, 1])) && m.queryPort! > 0), JSON.stringify(got.map((m) => m.queryPort)));
  });
});
