/**
 * dns-loop-detect with dnsmasq 2.90 as the reference: fandns (the real CLI) and dnsmasq each get
 * the same config and a looping upstream of their own (it sends every query back to the server
 * that asked), plus a plain server. Both must send the same kind of probe (TXT `<8 hex>.test`,
 * RD), find the loop, stop using the looping server, and answer dig the same: from the other
 * server, REFUSED with EDE 14 when no default server is left, and domain servers unaffected.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { dig, type DigResult } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { isLoopProbe, looper } from '../helpers/looper.js';
import { skipUnless } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

/** One server under test with its looping upstream. */
interface Side {
  readonly port: number;
  readonly loop: FakeUpstream;
  readonly stop: () => Promise<void>;
}

/** What is compared: status, answer data, and an EDE code if any. */
function shape(r: DigResult): string {
  const ede = /; EDE: (\d+)/.exec(r.text)?.[1];
  return `${r.status} [${r.answer.map((a) => a.data).join(',')}]${ede ? ` ede${ede}` : ''}`;
}

describe('dns-loop-detect: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let plain: FakeUpstream;
  let consul: FakeUpstream;
  let dir: string;
  const sides: Record<'fandns' | 'dnsmasq', Side[]> = { fandns: [], dnsmasq: [] };
  /** The configs both sides run, each with its own looper first. */
  const configs: ((loop: string) => string)[] = [
    (loop) => `dns-loop-detect\nstrict-order\nserver=${loop}\nserver=${plain.spec}`,
    (loop) => `dns-loop-detect\nserver=${loop}\nserver=/consul/${consul.spec}`,
  ];

  before(async () => {
    plain = await FakeUpstream.start((q) => (q.type === 'A' ? { answers: [rr.a(q.name, '192.0.2.1')] } : { rcode: 'NXDOMAIN' }));
    consul = await FakeUpstream.start((q) => (q.type === 'A' ? { answers: [rr.a(q.name, '10.0.0.8')] } : { rcode: 'NXDOMAIN' }));
    dir = mkdtempSync(join(tmpdir(), 'fandns-loop-ref-'));
    for (const [i, conf] of configs.entries()) {
      let fPort = 0;
      const fLoop = await FakeUpstream.start(looper(() => fPort));
      const file = join(dir, `f${i}.conf`);
      writeFileSync(file, `no-resolv\nno-hosts\nlisten-address=127.0.0.1\nupstream-timeout=500\n${conf(fLoop.spec)}\n`);
      const f: CliProcess = await startCli(['-C', file, '--port', '0']);
      fPort = f.port;
      sides.fandns.push({ port: f.port, loop: fLoop, stop: async () => void (await f.stop()) });
      await waitForLog(f, (r) => /query loop detected/.test(String(r['msg'])));

      let dPort = 0;
      const dLoop = await FakeUpstream.start(looper(() => dPort));
      const d: RunningDnsmasq = await startDnsmasq(conf(dLoop.spec));
      dPort = d.port;
      sides.dnsmasq.push({ port: d.port, loop: dLoop, stop: () => d.stop() });
      await waitFor(() => /query loop detected/.test(d.log()), 'dnsmasq found the loop');
    }
  });

  after(async () => {
    for (const s of [...sides.fandns, ...sides.dnsmasq]) {
      await s.stop();
      await s.loop.close();
    }
    await plain?.close();
    await consul?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** dig against config `i` of both sides: [fandns, dnsmasq]. */
  const both = async (i: number, args: string[]) => {
    const ask = (port: number) => dig(port, [...args, '+tries=1', '+time=3', '+nocookie']);
    return [shape(await ask(sides.fandns[i]!.port)), shape(await ask(sides.dnsmasq[i]!.port))];
  };

  it('both send the looping server one probe of the same form, and nothing else', () => {
    for (const side of [sides.fandns, sides.dnsmasq]) {
      for (const s of side) {
        assert.equal(s.loop.queries.filter(isLoopProbe).length, 1);
        assert.deepEqual(s.loop.queries.filter((q) => !isLoopProbe(q)).map((q) => q.name), []);
        assert.equal(s.loop.queries[0]!.packet.flags! & 0x0100, 0x0100, 'RD set');
      }
    }
  });

  it('both answer from the other default server', async () => {
    const [f, d] = await both(0, ['www.example.com', 'A']);
    assert.equal(f, d);
    assert.equal(f, 'NOERROR [192.0.2.1]');
  });

  it('both refuse with EDE 14 when no default server is left, and still use a domain server', async () => {
    const [f, d] = await both(1, ['www.example.com', 'A']);
    assert.equal(f, d);
    assert.equal(f, 'REFUSED [] ede14');
    const [fc, dc] = await both(1, ['web.service.consul', 'A']);
    assert.equal(fc, dc);
    assert.equal(fc, 'NOERROR [10.0.0.8]');
    assert.equal(consul.queries.filter(isLoopProbe).length, 0, 'neither probes a domain server');
  });

  it('after all that, the looping servers got no query but probes', () => {
    for (const s of [...sides.fandns, ...sides.dnsmasq]) assert.deepEqual(s.loop.queries.filter((q) => !isLoopProbe(q)).map((q) => q.name), []);
  });
});
