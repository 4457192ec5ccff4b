/**
 * fast-dns-retry against dnsmasq 2.90, both behind the same lossy fake upstream (it drops the
 * first N datagrams of each name: `drop<N>-…`, every one of `dead-…`) with the same config
 * lines, asked with dig: what the client gets and which copies (count, ID, source port) the
 * upstream saw. They agree where the link only loses datagrams; they differ on purpose (README
 * "Differences from dnsmasq") when nothing gets through: fandns ends the attempt with SERVFAIL or
 * the next server, dnsmasq sends nothing back and copies only to the first strict-order server.
 */
import { describe, it, after, before } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { FakeUpstream, rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { answer } from '../helpers/scripts.js';
import { skipUnless } from '../helpers/tools.js';

/** Datagrams seen per name, for the lossy script. */
const seenPerName = new Map<string, number>();

/** Drops the first N datagrams of a name `drop<N>-…`, all of `dead-…`; answers the rest. */
function lossy(q: SeenQuery): FakeAnswer {
  const n = (seenPerName.get(q.name) ?? 0) + 1;
  seenPerName.set(q.name, n);
  const drops = q.name.startsWith('dead-') ? Infinity : Number(/^drop(\d+)-/.exec(q.name)?.[1] ?? 0);
  return n <= drops ? { drop: true } : { answers: [rr.a(q.name, '198.18.0.7')] };
}

interface Server { readonly name: string; readonly port: number }

describe('fast-dns-retry: fandns (CLI) and dnsmasq behind one lossy upstream', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let up: FakeUpstream;
  let good: FakeUpstream;
  let dir: string;
  const running: (CliProcess | RunningDnsmasq)[] = [];

  before(async () => {
    up = await FakeUpstream.start(lossy);
    good = await FakeUpstream.start(answer('198.18.0.8'));
    dir = mkdtempSync(join(tmpdir(), 'fandns-fast-retry-'));
  });
  after(async () => {
    for (const r of running) await r.stop();
    await up?.close();
    await good?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Both servers from the same dnsmasq lines; fandns also gets `own` (its timeouts). */
  async function pair(tag: string, lines: string, own: string): Promise<[Server, Server]> {
    const file = join(dir, `${tag}.conf`);
    writeFileSync(file, `no-resolv\nno-hosts\nlisten-address=127.0.0.1\n${lines}\n${own}\n`);
    const f = await startCli(['-C', file, '--port', '0']);
    running.push(f);
    const d = await startDnsmasq(lines);
    running.push(d);
    return [{ name: 'fandns', port: f.port }, { name: 'dnsmasq', port: d.port }];
  }

  /** Asks `server` for `name`: what dig got, and the copies the lossy upstream saw (count, IDs, ports). */
  async function ask(server: Server, name: string, timeSec: number): Promise<{ got: string; copies: number; ids: number; ports: number }> {
    let got: string;
    try {
      const r = await dig(server.port, [name, '+tries=1', `+time=${timeSec}`, '+nocookie']);
      got = `${r.status} [${r.answer.map((a) => a.data).join(',')}]`;
    } catch {
      got = 'no reply';
    }
    const seen = up.queries.filter((q) => q.name === name);
    return { got, copies: seen.length, ids: new Set(seen.map((q) => q.packet.id)).size, ports: new Set(seen.map((q) => q.source.port)).size };
  }

  it('two lost datagrams: both send the same query twice more, same ID and port, and the client gets the answer', async () => {
    for (const s of await pair('lossy', `server=${up.spec}\nfast-dns-retry=100,2000`, 'upstream-timeout=2000')) {
      const r = await ask(s, `drop2-${s.name}.test`, 3);
      assert.deepEqual(r, { got: 'NOERROR [198.18.0.7]', copies: 3, ids: 1, ports: 1 }, s.name);
    }
  });

  it('without the option a lost datagram is not sent again: fandns answers SERVFAIL, dnsmasq nothing', async () => {
    const [f, d] = await pair('plain', `server=${up.spec}`, 'upstream-timeout=500');
    assert.deepEqual(await ask(f, `drop1-${f.name}.test`, 3), { got: 'SERVFAIL []', copies: 1, ids: 1, ports: 1 });
    assert.deepEqual(await ask(d, `drop1-${d.name}.test`, 2), { got: 'no reply', copies: 1, ids: 1, ports: 1 });
  });

  it('a retry time under a second: dnsmasq counts it in whole seconds and sends no copy; fandns sends one', async () => {
    const [f, d] = await pair('short', `server=${up.spec}\nfast-dns-retry=250,500`, 'upstream-timeout=1000');
    assert.deepEqual(await ask(f, `drop1-short-${f.name}.test`, 3), { got: 'NOERROR [198.18.0.7]', copies: 2, ids: 1, ports: 1 });
    assert.deepEqual(await ask(d, `drop1-short-${d.name}.test`, 2), { got: 'no reply', copies: 1, ids: 1, ports: 1 });
  });

  it('port-limit=2: both spread the copies over two source ports, one ID', async () => {
    for (const s of await pair('ports', `server=${up.spec}\nfast-dns-retry=100,2000\nport-limit=2`, 'upstream-timeout=2000')) {
      const r = await ask(s, `drop3-${s.name}.test`, 3);
      assert.deepEqual(r, { got: 'NOERROR [198.18.0.7]', copies: 4, ids: 1, ports: 2 }, s.name);
    }
  });

  it('strict-order, first server silent: dnsmasq copies to it only and never replies; fandns moves on', async () => {
    const [f, d] = await pair('strict', `strict-order\nserver=${up.spec}\nserver=${good.spec}\nfast-dns-retry=100,2000`, 'upstream-timeout=1000');
    const before = good.queries.length;
    const rf = await ask(f, `dead-${f.name}.test`, 3);
    assert.equal(rf.got, 'NOERROR [198.18.0.8]');
    // Copies are never early, but a loaded machine may send one late, past the attempt's end.
    assert.ok(rf.copies >= 2 && rf.copies <= 4, `fandns: the query and copies at 100, 300 and 700 ms, then the next server: ${rf.copies}`);
    assert.equal(rf.ids, 1);
    assert.equal(good.queries.length, before + 1);
    const rd = await ask(d, `dead-${d.name}.test`, 2);
    assert.equal(rd.got, 'no reply');
    // dnsmasq counts the retry time in whole seconds from a seconds clock: the copy at 1.5 s goes or not by where in the second the query came.
    assert.ok(rd.copies >= 4, `dnsmasq: copies at 0.1, 0.3, 0.7 (1.5) s to the first server: ${rd.copies}`);
    assert.equal(good.queries.length, before + 1, 'dnsmasq never asked the second server');
  });
});
