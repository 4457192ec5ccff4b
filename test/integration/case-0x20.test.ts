/**
 * do-0x20-encode on the wire (draft-vixie-dnsext-dns0x20-00, dnsmasq 2.91's option): names go to
 * UDP upstreams with their letters in random case; a reply that echoes another case is dropped
 * like a forgery while the real one is awaited; the client gets its own question back; a server
 * that does not keep case is found out after three replies, logged, and asked as before.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

const letters = (s: string) => s.replace(/[^a-z]/gi, '');

describe('do-0x20-encode', () => {
  it('sends each name in random case; the client gets its own question back', async () => {
    const up = await FakeUpstream.start(answer('192.0.2.1'));
    const p = await startProxy(`server=${up.spec}\ndo-0x20-encode`);
    try {
      for (let i = 0; i < 8; i++) {
        const asked = `Host${'abcdefgh'[i]}.Example.COM`;
        const r = await p.query(asked);
        assert.equal(r.rcode, 'NOERROR');
        assert.equal(r.packet.questions?.[0]?.name, asked, 'the question as the client wrote it');
      }
      const sent = up.queries.map((q) => q.name);
      assert.equal(sent.length, 8);
      assert.ok(sent.every((n, i) => n.toLowerCase() === `host${'abcdefgh'[i]}.example.com`), JSON.stringify(sent));
      // 15 letters a name: a pair of the eight alike, or one in the client's own case, has a chance near 2^-10 (one is allowed).
      const cased = sent.map((n) => letters(n).split('').map((c) => (c === c.toUpperCase() ? 1 : 0)).join(''));
      assert.ok(new Set(cased).size >= 7, `the case differs from query to query: ${JSON.stringify(sent)}`);
      assert.ok(sent.filter((n, i) => n === `Host${'abcdefgh'[i]}.Example.COM`).length <= 1, 'not the client\'s own case');
    } finally {
      await p.stop();
      await up.close();
    }
  });

  it('drops a reply that does not echo the case (a forgery that knew the ID) and takes the real one', async () => {
    // The first reply echoes the name in lower case at once; the real one follows 50 ms later.
    const up = await FakeUpstream.start((q) => ({
      answers: [rr.a(q.name, '192.0.2.66', 60)],
      questionName: q.name.toLowerCase(),
      also: [{ answers: [rr.a(q.name, '192.0.2.1', 60)], delayMs: 50 }],
    }));
    const withIt = await startProxy(`server=${up.spec}\ndo-0x20-encode`);
    const without = await startProxy(`server=${up.spec}`);
    try {
      const first = (await withIt.query('www.example.com')).packet.answers?.[0] as { data?: string } | undefined;
      assert.equal(first?.data, '192.0.2.1');
      const plain = (await without.query('ftp.example.com')).packet.answers?.[0] as { data?: string } | undefined;
      assert.equal(plain?.data, '192.0.2.66', 'without it the lower-case reply is taken (the name was sent in lower case)');
    } finally {
      await withIt.stop();
      await without.stop();
      await up.close();
    }
  });

  it('a server that answers in lower case is found out after three replies, logged, and then asked as before', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.1', 60)], questionName: q.name.toLowerCase() }));
    const log = memoryLog('warn');
    const p = await startProxy(`server=${up.spec}\ndo-0x20-encode\nupstream-timeout=200\nquery-timeout=600`, log.log);
    try {
      const rcodes = [];
      for (let i = 0; i < 5; i++) rcodes.push((await p.query(`n${i}.example.com`)).rcode);
      // The first two replies are dropped (their queries time out); the third is taken.
      assert.deepEqual(rcodes, ['SERVFAIL', 'SERVFAIL', 'NOERROR', 'NOERROR', 'NOERROR']);
      await waitFor(() => log.lines().some((l) => /does not echo the case/.test(l.msg)), 'the warning');
      assert.equal(log.lines().filter((l) => /does not echo the case/.test(l.msg)).length, 1);
      assert.ok(up.queries.slice(-2).every((q) => q.name === q.name.toLowerCase()), 'names go out as asked');
    } finally {
      await p.stop();
      await up.close();
    }
  });

  it('no-0x20-encode wins over do-0x20-encode; off by default', async () => {
    const up = await FakeUpstream.start(answer('192.0.2.1'));
    for (const conf of ['no-0x20-encode\ndo-0x20-encode', '']) {
      const p = await startProxy(`server=${up.spec}\n${conf}`);
      try {
        await p.query('mixed.example.com');
      } finally {
        await p.stop();
      }
    }
    assert.deepEqual(up.queries.map((q) => q.name), ['mixed.example.com', 'mixed.example.com']);
    await up.close();
  });
});
