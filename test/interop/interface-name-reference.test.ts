/**
 * interface-name, dynamic-host and localise-queries against dnsmasq 2.90 (root only; skipped
 * otherwise). Both servers run in one network namespace with the same config and veth interfaces,
 * behind an upstream (a third dnsmasq) that answers NXDOMAIN for everything, and dig asks both
 * the same questions, sent to 127.0.0.1 and to an interface address (localise-queries). Where
 * fandns differs on purpose, the case asserts both answers:
 * - dynamic-host TTL: 0 as the man page says (dnsmasq: local-ttl);
 * - the PTR of a dynamic-host address whose line comes right after an interface-name of the same
 *   interface (dnsmasq skips such lines when it looks for PTRs: the question goes upstream);
 * - a link that is down: no addresses, as the man page says (dnsmasq serves them);
 * - the PTR of an address added at runtime before anyone asked a forward question (dnsmasq answers
 *   from its last reading until an A/AAAA question for an interface name re-reads).
 * Other types of these names: dnsmasq forwards and rewrites the upstream NXDOMAIN to NODATA,
 * fandns answers NODATA at once; the client sees the same answer.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import type { DigResult } from '../helpers/dig.js';
import { skipUnlessRoot } from '../helpers/proc.js';
import { skipUnless } from '../helpers/tools.js';
import { createVethLab, dnsmasqPath, eventually, type VethLab } from '../helpers/veth-lab.js';

/** Ports inside the namespace: its loopback is its own, so fixed ones cannot clash. */
const UP = 5300;
const PORTS = { fandns: 5301, dnsmasq: 5302 } as const;
type Server = keyof typeof PORTS;
const PTR6 = (last: string) => `${last}.${'0.'.repeat(19)}1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`;

/** `STATUS [aa] TYPE data ttl…`, answers sorted: what a client sees. */
const view = (r: DigResult) =>
  [r.status, r.flags.includes('aa') ? 'aa' : '', ...r.answer.map((a) => `${a.type} ${a.data} ${a.ttl}`).sort()].filter((s) => s !== '').join(' ');

describe('interface-name, dynamic-host, localise-queries: fandns and dnsmasq 2.90 in a network namespace', { skip: skipUnlessRoot() || skipUnless('ip', 'dig', 'dnsmasq') }, () => {
  let unavailable: string | null = null;
  let lab: VethLab | null = null;
  let fandns: CliProcess | null = null;
  let dir = '';
  const skipIfUnavailable = (t: TestContext) => {
    if (unavailable) t.skip(unavailable);
    return unavailable !== null;
  };
  const ask = async (server: Server, name: string, type: string, to = '127.0.0.1') => view(await lab!.dig(to, PORTS[server], ['+norec', name, type]));

  before(async () => {
    try {
      lab = createVethLab();
      await lab.addVeth('d0', ['10.1.0.5/24', '10.2.0.5/16', '2001:db8:1::5/64']);
      await lab.addVeth('d1', ['10.9.0.1/24'], false);
      await lab.addVeth('d2', []);
    } catch (err) {
      unavailable = `cannot set up the namespace: ${(err as Error).message.split('\n')[0]}`;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'fandns-ifname-ref-'));
    chmodSync(dir, 0o755); // dnsmasq reads hosts files after dropping root
    writeFileSync(join(dir, 'hosts'), '192.0.2.1 inhosts.lan\n10.1.0.7 multi.lan\n10.2.0.7 multi.lan\n192.0.2.7 multi.lan\n10.1.0.5 hostsgw.lan\n');
    const conf = [
      'no-resolv', 'no-hosts', `addn-hosts=${join(dir, 'hosts')}`, `server=127.0.0.1#${UP}`,
      'listen-address=127.0.0.1', 'listen-address=10.1.0.5', 'listen-address=10.2.0.5',
      'local-ttl=60', 'localise-queries',
      'interface-name=gw.lan,d0', 'interface-name=gw4.lan,d0/4', 'interface-name=gw6.lan,d0/6', 'interface-name=second.lan,d0',
      'interface-name=empty.lan,d2', 'interface-name=none.lan,nosuch', 'interface-name=down.lan,d1', 'interface-name=inhosts.lan,d0',
      'dynamic-host=dyn.lan,0.0.0.9,::9,d0',
      'host-record=hr.lan,10.1.0.8', 'host-record=hr.lan,10.2.0.8',
      'ptr-record=5.0.2.10.in-addr.arpa,ptrrec.lan',
    ].join('\n');
    const dnsmasqFile = (name: string, text: string) => {
      writeFileSync(join(dir, name), `${text}\npid-file=\nbind-interfaces\n`);
      return [dnsmasqPath()!, '--keep-in-foreground', `--conf-file=${join(dir, name)}`];
    };
    lab.start(dnsmasqFile('up.conf', `no-resolv\nno-hosts\nport=${UP}\nlisten-address=127.0.0.1\nlocal=/lan/\nlocal=/in-addr.arpa/\nlocal=/ip6.arpa/`));
    lab.start(dnsmasqFile('dnsmasq.conf', `${conf}\nport=${PORTS.dnsmasq}`));
    writeFileSync(join(dir, 'fandns.conf'), `${conf}\nport=${PORTS.fandns}\n`);
    fandns = await startCli(['-C', join(dir, 'fandns.conf')], 10_000, undefined, lab.ns.wrapper);
    await lab.waitAnswering('127.0.0.1', UP);
    await lab.waitAnswering('127.0.0.1', PORTS.dnsmasq);
  });

  after(async () => {
    await fandns?.stop();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const same: [string, string, string, string][] = [
    ['gw.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60'],
    ['gw.lan', 'AAAA', '127.0.0.1', 'NOERROR aa AAAA 2001:db8:1::5 60'],
    ['gw.lan', 'ANY', '127.0.0.1', 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60 AAAA 2001:db8:1::5 60'],
    ['gw.lan', 'MX', '127.0.0.1', 'NOERROR aa'],
    ['gw4.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60'],
    ['gw4.lan', 'AAAA', '127.0.0.1', 'NOERROR aa'],
    ['gw6.lan', 'A', '127.0.0.1', 'NOERROR aa'],
    ['gw6.lan', 'AAAA', '127.0.0.1', 'NOERROR aa AAAA 2001:db8:1::5 60'],
    ['second.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60'],
    ['empty.lan', 'A', '127.0.0.1', 'NOERROR aa'],
    ['none.lan', 'AAAA', '127.0.0.1', 'NOERROR aa'],
    // A hosts file's address for an interface name is not served; its other types are NODATA.
    ['inhosts.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60'],
    ['inhosts.lan', 'MX', '127.0.0.1', 'NOERROR aa'],
    // PTRs: the first line with the address, ahead of hosts files and ptr-record.
    ['5.0.1.10.in-addr.arpa', 'PTR', '127.0.0.1', 'NOERROR aa PTR gw.lan. 60'],
    ['5.0.2.10.in-addr.arpa', 'PTR', '127.0.0.1', 'NOERROR aa PTR gw.lan. 60'],
    [PTR6('5'), 'PTR', '127.0.0.1', 'NOERROR aa PTR gw.lan. 60'],
    ['7.0.1.10.in-addr.arpa', 'PTR', '127.0.0.1', 'NOERROR aa PTR multi.lan. 60'],
    ['nothere.lan', 'A', '127.0.0.1', 'NXDOMAIN'],
    ['lan', 'SOA', '127.0.0.1', 'NOERROR aa'],
    // localise-queries: by the address the query was sent to.
    ['multi.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.7 60 A 10.2.0.7 60 A 192.0.2.7 60'],
    ['multi.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.7 60'],
    ['multi.lan', 'A', '10.2.0.5', 'NOERROR aa A 10.2.0.7 60'],
    ['multi.lan', 'ANY', '10.1.0.5', 'NOERROR aa A 10.1.0.7 60'],
    ['hr.lan', 'A', '10.2.0.5', 'NOERROR aa A 10.2.0.8 60'],
    ['gw.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.5 60'],
    ['gw.lan', 'AAAA', '10.1.0.5', 'NOERROR aa AAAA 2001:db8:1::5 60'],
    ['hostsgw.lan', 'A', '10.2.0.5', 'NOERROR aa A 10.1.0.5 60'],
  ];
  for (const [name, type, to, want] of same) {
    it(`${type} ${name} sent to ${to}: ${want} from both`, async (t) => {
      if (skipIfUnavailable(t)) return;
      assert.deepEqual([await ask('fandns', name, type, to), await ask('dnsmasq', name, type, to)], [want, want]);
    });
  }

  const differ: [string, string, string, string, string][] = [
    // dynamic-host TTL: the man page's 0 (dnsmasq 2.90 serves local-ttl).
    ['dyn.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.9 0', 'NOERROR aa A 10.1.0.9 60'],
    ['dyn.lan', 'AAAA', '127.0.0.1', 'NOERROR aa AAAA 2001:db8:1::9 0', 'NOERROR aa AAAA 2001:db8:1::9 60'],
    // dnsmasq skips a dynamic-host line right after an interface-name of the same interface for PTRs.
    ['9.0.1.10.in-addr.arpa', 'PTR', '127.0.0.1', 'NOERROR aa PTR dyn.lan. 0', 'NXDOMAIN'],
    [PTR6('9'), 'PTR', '127.0.0.1', 'NOERROR aa PTR dyn.lan. 0', 'NXDOMAIN'],
    // A link that is down: "an empty record" as the man page says (dnsmasq serves its addresses).
    ['down.lan', 'A', '127.0.0.1', 'NOERROR aa', 'NOERROR aa A 10.9.0.1 60'],
  ];
  for (const [name, type, to, ours, theirs] of differ) {
    it(`${type} ${name} sent to ${to}: fandns ${ours}, dnsmasq ${theirs}`, async (t) => {
      if (skipIfUnavailable(t)) return;
      assert.deepEqual([await ask('fandns', name, type, to), await ask('dnsmasq', name, type, to)], [ours, theirs]);
    });
  }

  it('an address added at runtime: both answer it; its PTR before any A question only fandns', async (t) => {
    if (skipIfUnavailable(t)) return;
    await lab!.ip('addr', 'add', '10.3.0.5/24', 'dev', 'd0');
    const ptr = '5.0.3.10.in-addr.arpa';
    assert.equal(await eventually(() => ask('fandns', ptr, 'PTR'), (v) => v !== 'NXDOMAIN'), 'NOERROR aa PTR gw.lan. 60');
    assert.equal(await ask('dnsmasq', ptr, 'PTR'), 'NXDOMAIN');
    const want = 'NOERROR aa A 10.1.0.5 60 A 10.2.0.5 60 A 10.3.0.5 60';
    assert.deepEqual([await ask('fandns', 'gw.lan', 'A'), await ask('dnsmasq', 'gw.lan', 'A')], [want, want]);
    assert.equal(await ask('dnsmasq', ptr, 'PTR'), 'NOERROR aa PTR gw.lan. 60');
  });
});
